"""Printable asset labels: the URL a label's QR code points to, and the QR code as inline SVG.

Shared by the web label page and the API, so that every label in the field encodes the same address.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse

from .models import Asset


def asset_label_url(asset: Asset) -> str:
    """The absolute address a scanned label opens: `{SITE_URL}/t/<asset_tag>`."""
    return settings.SITE_URL.rstrip("/") + reverse("assetreg:tag_redirect", args=[asset.asset_tag])


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
