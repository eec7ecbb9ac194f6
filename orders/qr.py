"""The order's QR code, drawn by segno as an inline SVG: no image file, no script, nothing the CSP must allow."""

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, title: str) -> SafeString:
    """The code of `url`, black on white with its four-module quiet zone; sized by the stylesheet."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="entraide-order__qr", lineclass=None)
    # segno's title is not escaped: the accessible name goes in as an attribute of ours instead.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1))  # noqa: S308
