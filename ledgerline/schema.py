"""OpenAPI post-processing: declare the error answers every endpoint can give, so a client generated from
`/api/schema/` decodes every response.

drf-spectacular documents what each view declares; the answers that come from the shared plumbing are added here
once: 401 (no or a bad token) and 403 (an account without a role) on every authenticated operation, 404 for a
page number past the end and for any id in the path, 400 when a filter's value is refused, 414 from the web
server for a request line over 4 KiB, and a JSON body for every error the app itself gives (`{"detail": ...}`,
or field messages for a 400).
"""

from __future__ import annotations

from typing import Any

DETAIL_SCHEMA = "ErrorDetail"
FIELD_ERRORS_SCHEMA = "FieldErrors"
NOT_FILTERS = {"page", "page_size", "ordering", "format"}

DESCRIPTIONS = {
    "400": "Invalid input: field messages keyed by field (a filter's name for a refused filter value).",
    "401": "No credentials, or a token that is unknown, expired or unreadable.",
    "403": "Your role may not do this here (or your account has no role).",
    "404": "No such record at a site you may see, or no such page.",
}
# The web server (gunicorn, or a proxy in front of it) refuses a request line over 4 KiB before the app sees it,
# with its own short HTML page: possible wherever a query string carries free text.
URI_TOO_LONG = {
    "description": "Request line too long (over 4 KiB, e.g. a very long query parameter): refused by the web server.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def declare_common_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the shared error answers (see the module docstring) to every operation of the schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[DETAIL_SCHEMA] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "current_version": {"type": "integer", "description": "409 only: the record's version now."},
        },
        "required": ["detail"],
    }
    schemas[FIELD_ERRORS_SCHEMA] = {
        "type": "object",
        "description": "Messages keyed by field name, or `non_field_errors`; `detail` for a body that is not JSON.",
        "additionalProperties": {},
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            wanted = set()
            if operation.get("security"):
                wanted |= {"401", "403"}
            if "{" in path or "page" in query:
                wanted.add("404")
            if query - NOT_FILTERS or method in ("post", "put", "patch"):
                wanted.add("400")
            if query:
                responses.setdefault("414", URI_TOO_LONG)
            for code in sorted(wanted - set(responses)):
                responses[code] = {"description": DESCRIPTIONS[code]}
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = _json(FIELD_ERRORS_SCHEMA if code == "400" else DETAIL_SCHEMA)
    return result
