"""Printable asset labels: the URL a label's QR code points to, and the QR code as inline SVG.

Shared by the web label page and the API, so that every label in the field encodes the same address.
"""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse

from .models import Asset


def asset_label_url(asset: Asset) -> str:
    """The absolute address a scanned label opens: `{SITE_URL}/t/<asset_tag>`."""
    return settings.SITE_URL.rstrip("/") + reverse("assetreg:tag_redirect", args=[asset.asset_tag])


class AssetAddresses:
    """The web page and label addresses of many assets (an API list page): each URL pattern is reversed once and
    then filled in with an asset's id or tag, which gives what `reverse` gives (it costs about 20 µs a row)."""

    _ID = 918273645546372819  # stands for the asset's id while reversing; digits no prefix contains
    _TAG = "ASSET.TAG.STANDS.HERE"

    def __init__(self) -> None:
        base = settings.SITE_URL.rstrip("/")
        self._web = (base + reverse("assetreg:asset_detail", args=[self._ID])).split(str(self._ID))
        self._label = (base + reverse("assetreg:tag_redirect", args=[self._TAG])).split(self._TAG)

    def web(self, asset: Asset) -> str:
        """`{SITE_URL}/assets/<id>/`, as `asset.get_absolute_url()` under SITE_URL."""
        if len(self._web) != 2:
            return settings.SITE_URL.rstrip("/") + asset.get_absolute_url()
        return f"{self._web[0]}{asset.pk}{self._web[1]}"

    def label(self, asset: Asset) -> str:
        """What `asset_label_url(asset)` returns."""
        # A valid tag holds only characters that a URL path keeps as they are; anything else is reversed.
        if len(self._label) != 2 or not _PLAIN_TAG.fullmatch(asset.asset_tag):
            return asset_label_url(asset)
        return f"{self._label[0]}{asset.asset_tag}{self._label[1]}"


_PLAIN_TAG = re.compile(r"[A-Za-z0-9._-]+")


def qr_svg(data: str, *, title: str = "QR code") -> str:
    """`data` as a QR code in an inline `<svg>` element that scales with CSS (no raster image, no PIL)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    root = image.get_image()
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("class", "qr")
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("shape-rendering", "crispEdges")
    return image.to_string(encoding="unicode")
