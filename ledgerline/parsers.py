"""Request body parsers of the REST API (kept apart from `ledgerline.api`: DRF imports its parser setting while its
views module is still loading, so this module imports nothing that imports DRF's views)."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested too deeply to decode (100,000 `[`) refused as a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
