"""OpenAPI schema helpers for the REST API (kept apart from `ledgerline.api`, which DRF imports while it loads)."""

from drf_spectacular.openapi import AutoSchema


class KeysetPageSchema(AutoSchema):
    """The schema of a keyset-paged action (`@action(schema=KeysetPageSchema, ...)`): its page has a component of
    its own, `CursorPaginated<Serializer>List`, beside the page-number list's `Paginated<Serializer>List`."""

    def get_paginated_name(self, serializer_name: str) -> str:
        return f"CursorPaginated{serializer_name}List"
