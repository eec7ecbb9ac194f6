"""The operator's brand: its names, logo and colours, read from the settings, and the contrast rule they must meet.

A département runs the portal under its own identity (the State's design system is reserved to the State's own
sites). Colours are checked at start-up (core/checks.py) with WCAG 2's contrast ratio, so that no operator can
choose a pair that people with low vision cannot read."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static

# WCAG 2.x success criterion 1.4.3 (AA): normal text needs 4.5:1 against its background.
MINIMUM_TEXT_CONTRAST = 4.5
WHITE = "#ffffff"
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#1f5c4a" or "#fff" as its three channels; a ValueError for anything else (names, rgb(), typos)."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"{colour!r} is not a colour written #rrggbb or #rgb")
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return tuple(int(digits[index : index + 2], 16) for index in (0, 2, 4))


def relative_luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class ColourPair:
    """Two colours the portal draws one on the other, named as the check reports them."""

    setting: str
    foreground: str
    background: str
    where: str


def colour_pairs() -> list[ColourPair]:
    """Every pair of brand colours drawn one on the other (static/css/entraide.css, templates/core/brand.css)."""
    return [
        ColourPair("BRAND_TEXT_ON_COLOR", settings.BRAND_TEXT_ON_COLOR, settings.BRAND_COLOR, "header and buttons"),
        ColourPair("BRAND_COLOR", settings.BRAND_COLOR, WHITE, "links and outlined buttons on the page"),
        ColourPair("BRAND_ACCENT_COLOR", settings.BRAND_ACCENT_COLOR, WHITE, "accents on the page"),
    ]


@dataclass(frozen=True)
class Brand:
    name: str
    short_name: str
    logo_url: str
    address: str
    legal_publisher: str
    privacy_contact: str


def shade(colour: str, darker_by: float) -> str:
    """The colour mixed with black: the pressed and hovered states of a button drawn in it."""
    return "#" + "".join(f"{round(channel * (1 - darker_by)):02x}" for channel in rgb(colour))


def colour_variables() -> dict[str, str]:
    """The values templates/core/brand.css gives its CSS variables."""
    colour, on_colour, accent = settings.BRAND_COLOR, settings.BRAND_TEXT_ON_COLOR, settings.BRAND_ACCENT_COLOR
    return {
        "brand": colour,
        "brand_rgb": ", ".join(str(channel) for channel in rgb(colour)),
        "brand_dark": shade(colour, 0.2),
        "brand_darker": shade(colour, 0.35),
        "on_brand": on_colour,
        "accent": accent,
        "accent_rgb": ", ".join(str(channel) for channel in rgb(accent)),
    }


def colours_version() -> str:
    """Part of the brand stylesheet's address: a change of colours is a new address, so browsers fetch it again."""
    return hashlib.sha256(repr(sorted(colour_variables().items())).encode()).hexdigest()[:12]


def logo_url(logo: str) -> str:
    """A file under static/ goes through the static storage (hashed in production); a URL or path is kept."""
    return logo if logo.startswith(("/", "http://", "https://")) else static(logo)


def brand() -> Brand:
    return Brand(
        name=settings.OPERATOR_NAME,
        short_name=settings.OPERATOR_SHORT_NAME,
        logo_url=logo_url(settings.OPERATOR_LOGO),
        address=settings.OPERATOR_ADDRESS,
        legal_publisher=settings.LEGAL_PUBLISHER,
        privacy_contact=settings.PRIVACY_CONTACT,
    )
