"""Template tags that render what the apps contribute (`ledgerline.contributions`) to the shared pages."""

from __future__ import annotations

from typing import Any

from django import template

from ledgerline.contributions import NavLink, registry

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context: dict[str, Any]) -> list[NavLink]:
    """The main navigation for the current user, the current page marked."""
    request = context.get("request")
    if request is None:
        return []
    match = getattr(request, "resolver_match", None)
    return registry.nav_links(request.user, match.view_name if match else "")
