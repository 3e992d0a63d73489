"""Domain errors shared by every interface. Services raise these (and Django's ValidationError and
PermissionDenied); the web, admin and API translate them into a form error, a message or a status code."""


class ConflictError(Exception):
    """A write was based on a stale version of the record (someone else changed it first)."""

    def __init__(
        self,
        message: str = "This record was changed by someone else. Reload it and try again.",
        current_version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version
