"""The text of an uploaded CSV file, checked the same way by every import (register, holdings): a size bound,
UTF-8 (with or without Excel's byte order mark) and no NUL characters. Each app parses its own columns."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def csv_text(content: IO[bytes] | IO[str] | bytes | str) -> str:
    """The file's text, or a ValidationError saying plainly why it is not a CSV file we can read."""
    if hasattr(content, "read"):
        content = content.read()  # type: ignore[union-attr]
    if isinstance(content, bytes):
        if len(content) > MAX_IMPORT_BYTES:
            raise ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.") from None
    assert isinstance(content, str)
    content = content.removeprefix("\ufeff")  # text read with plain "utf-8" keeps Excel's byte order mark
    if "\x00" in content:
        raise ValidationError("The file contains NUL characters: it is not a CSV text file.")
    return content
