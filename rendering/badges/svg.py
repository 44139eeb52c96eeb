"""Self-rendered SVG badges in the flat style of shields.io, light and dark.

Text is measured with the embedded width table of the declared font (`rendering.badges.font`,
DejaVu Sans 11 px). Characters outside the table get conservative widths: none for
combining marks and joiners, 1.3 em for wide ones (CJK, emoji, symbols; colour emoji fonts
draw about 1.28 em), 1.5 em for any other (the widest DejaVu glyphs outside the table, like
long arrows, are 1.43 em), a few known extra-wide characters their own. Browsers place
glyphs on a 1/64 px grid, so each character also gets that much slack. Each text carries
`textLength` too, which makes a browser fit the text into exactly the measured width
whatever font it falls back to: labels never overflow their box.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import cache

from rendering.badges.font import FONT_FAMILY, FONT_SIZE, WIDTHS
from rendering.text.markup import xml_escape, xml_safe

HEIGHT = 20
PADDING = 6  # on each side of a text
MAX_CHARACTERS = 48  # longer texts are cut with an ellipsis
WIDE_FALLBACK = 1.3 * FONT_SIZE
OTHER_FALLBACK = 1.5 * FONT_SIZE
EXTRA_WIDE = {"\u2e3a": 2.0, "\u2e3b": 3.0, "\ufdfa": 4.0, "\ufdfb": 3.0, "\ufdfd": 6.0}  # em
GRID = 1 / 64  # px: glyph positions are rounded to this


@dataclass(frozen=True)
class Theme:
    label_background: str
    label_text: str
    colours: dict[str, str]  # shields.io colour name -> background


LIGHT = Theme(
    "#555",
    "#fff",
    {
        "brightgreen": "#2da44e",
        "green": "#97ca00",
        "yellowgreen": "#a4a61d",
        "yellow": "#dfb317",
        "orange": "#fe7d37",
        "red": "#d1242f",
        "blue": "#3b82f6",
        "lightgrey": "#9f9f9f",
    },
)
DARK = Theme(
    "#30363d",
    "#e6edf3",
    {
        "brightgreen": "#238636",
        "green": "#5f8a00",
        "yellowgreen": "#7a7c12",
        "yellow": "#9e7c0c",
        "orange": "#bd561d",
        "red": "#b62324",
        "blue": "#1f6feb",
        "lightgrey": "#484f58",
    },
)
THEMES = {"": LIGHT, "-dark": DARK}  # file name suffix -> theme


@cache
def _table() -> dict[str, float]:
    return {
        chr(start + offset): width / 100
        for start, widths in WIDTHS.items()
        for offset, width in enumerate(widths)
    }


def character_width(character: str) -> float:
    """Pixels `character` takes at most in the badge font (or any fallback)."""
    known = _table().get(character)
    if known is not None:
        return known + GRID
    category = unicodedata.category(character)
    if category in ("Mn", "Me", "Cf"):
        return GRID  # combining marks, joiners, variation selectors: drawn on their base
    if character in EXTRA_WIDE:
        return EXTRA_WIDE[character] * FONT_SIZE
    if unicodedata.east_asian_width(character) in ("W", "F") or category == "So":
        return WIDE_FALLBACK
    return OTHER_FALLBACK


def text_width(text: str) -> float:
    return sum(character_width(character) for character in text)


def fit(text: str) -> str:
    """`text` cleaned for XML, on one line, cut to MAX_CHARACTERS."""
    text = " ".join(xml_safe(text).split())
    return text if len(text) <= MAX_CHARACTERS else text[: MAX_CHARACTERS - 1] + "…"


def badge_svg(label: str, message: str, colour: str, theme: Theme) -> str:
    """A flat badge: `label` on grey, `message` on `colour` (a shields.io colour name)."""
    label, message = fit(label), fit(message)
    label_text, message_text = text_width(label), text_width(message)
    label_box = math.ceil(label_text) + 2 * PADDING
    message_box = math.ceil(message_text) + 2 * PADDING
    width = label_box + message_box
    background = theme.colours[colour]
    title = xml_escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect width="{width}" height="{HEIGHT}" rx="3" fill="{background}"/>'
        f'<rect width="{label_box}" height="{HEIGHT}" rx="3" fill="{theme.label_background}"/>'
        f'<rect x="{label_box - 3}" width="3" height="{HEIGHT}" '
        f'fill="{theme.label_background}"/>'
        f'<g font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" text-anchor="middle">'
        + _text(label, label_box / 2, label_text, theme.label_text)
        + _text(message, label_box + message_box / 2, message_text, _ink(background))
        + "</g></svg>\n"
    )


def _text(text: str, centre: float, width: float, fill: str) -> str:
    return (
        f'<text x="{centre:g}" y="14" fill="{fill}" textLength="{width:.2f}">'
        f"{xml_escape(text)}</text>"
    )


def _ink(background: str) -> str:
    """White or near-black text, whichever contrasts more with `background` (#rgb/#rrggbb)."""
    digits = background.lstrip("#")
    if len(digits) == 3:
        digits = "".join(2 * d for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with white is 1.05 / (L + 0.05); with #1f2328 (L ~ 0.016) it is (L + 0.05) / 0.066.
    return "#fff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.066 else "#1f2328"
