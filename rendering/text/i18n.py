"""The page's languages: gettext catalogs for the words, Babel for dates, numbers and durations.

Catalogs are `locales/<code>/LC_MESSAGES/messages.po`, read and compiled in memory at build
time (no compiled `.mo` files to keep in step). Babel is used because it carries the Unicode
CLDR data: month names, decimal separators, unit names and plural rules for every language,
which hand-written tables would get wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import io
from dataclasses import dataclass
from gettext import GNUTranslations
from pathlib import Path
from typing import get_args
from zoneinfo import ZoneInfo

import babel
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from configuration.models import Language

# `rendering/locales` links to the repository's `locales/`; the wheel carries the catalogs.
LOCALES = Path(str(importlib.resources.files("rendering") / "locales"))
LANGUAGES: tuple[str, ...] = get_args(Language)
NATIVE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "ja": "日本語",
}


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is translated later."""
    return message


@functools.cache
def translations(code: str) -> GNUTranslations:
    """The compiled catalog of a language (English: the messages themselves). A language
    without its catalog is an incomplete installation, never a page silently in English."""
    buffer = io.BytesIO()
    if code == "en":
        write_mo(buffer, read_po(io.BytesIO(b""), locale="en"))
    else:
        path = LOCALES / code / "LC_MESSAGES" / "messages.po"
        if not path.is_file():
            raise FileNotFoundError(f"the message catalog of {code} is missing: {path}")
        with path.open("rb") as file:
            write_mo(buffer, read_po(file, locale=code))
    buffer.seek(0)
    return GNUTranslations(buffer)


@dataclass(frozen=True)
class Locale:
    """Words and formats of one language, times shown in the page's time zone."""

    code: str  # a LANGUAGES code, e.g. pt_BR
    timezone: str

    @property
    def tag(self) -> str:
        """The BCP 47 tag for `lang=` and `Intl`, e.g. pt-BR."""
        return self.code.replace("_", "-")

    @property
    def babel(self) -> babel.Locale:
        return _babel_locale(self.code)

    @functools.cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def gettext(self, message: str) -> str:
        return translations(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return translations(self.code).ngettext(singular, plural, count)

    def date(self, day: dt.date) -> str:
        return _medium_date(self.code, day)

    def month(self, moment: dt.datetime) -> str:
        return format_skeleton("yMMMM", moment.astimezone(self.zone), locale=self.babel)

    def datetime(self, moment: dt.datetime) -> str:
        """Date, time and zone, e.g. `Nov 23, 2026, 1:00 PM CET`."""
        local = moment.astimezone(self.zone)
        day = format_date(local, "medium", locale=self.babel)
        time = format_time(local, "short", tzinfo=self.zone, locale=self.babel)
        return f"{day} {time} {local.strftime('%Z')}"

    def time(self, moment: dt.datetime) -> str:
        return format_time(moment.astimezone(self.zone), "short", locale=self.babel)

    def datetime_iso(self, moment: dt.datetime) -> str:
        return format_datetime(moment, "yyyy-MM-dd'T'HH:mm:ssXXX", tzinfo=self.zone, locale="en")

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.babel)

    def percent(self, value: float | None) -> str:
        """Uptime as people read it: 99.996 is never rounded up to a misleading 100 %."""
        if value is None:
            return self.gettext("no data")
        return _uptime_percent(self.code, 100.0 if value >= 100 else int(value * 100) / 100)

    def milliseconds(self, value: float | None) -> str:
        if value is None:
            return "\u2013"  # an en dash: no value
        return _milliseconds(self.code, round(value))

    def duration(self, seconds: float) -> str:
        """The two largest units: `45 s`, `5 min`, `2 h 10 min`, `3 d 4 h` in the language."""
        return _duration(self.code, round(seconds))


# A build formats the same few thousand dates, percentages and durations a hundred thousand
# times (every day segment of every monitor): each is formatted once per language.
@functools.cache
def _babel_locale(code: str) -> babel.Locale:
    return babel.Locale.parse(code)


@functools.lru_cache(maxsize=4096)
def _medium_date(code: str, day: dt.date) -> str:
    return format_date(day, "medium", locale=_babel_locale(code))


@functools.lru_cache(maxsize=16384)
def _uptime_percent(code: str, shown: float) -> str:
    """`shown` (already cut to two decimals) in the language's percent format, with two
    decimals below 100."""
    locale = _babel_locale(code)
    pattern = locale.percent_formats[None].pattern
    if shown < 100:
        pattern = pattern.replace("0%", "0.00%").replace("0\xa0%", "0.00\xa0%")
    return format_percent(shown / 100, pattern, locale=locale)


@functools.lru_cache(maxsize=16384)
def _milliseconds(code: str, value: int) -> str:
    return format_unit(value, "duration-millisecond", "short", locale=_babel_locale(code))


@functools.lru_cache(maxsize=16384)
def _duration(code: str, seconds: int) -> str:
    locale = _babel_locale(code)
    units = [("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)]
    parts: list[str] = []
    for unit, size in units:
        amount, seconds = divmod(seconds, size)
        if amount and len(parts) < 2:
            parts.append(format_unit(amount, f"duration-{unit}", "short", locale=locale))
        elif parts:
            break
    return " ".join(parts) or format_unit(0, "duration-second", "short", locale=locale)
