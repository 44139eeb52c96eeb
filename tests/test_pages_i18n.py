"""Every message of the templates and the rendering code is translated in every catalog,
with the same placeholders, and no catalog keeps a message nothing uses any more; and dates,
numbers and durations follow each language."""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from rendering.text.i18n import LANGUAGES, LOCALES, Locale

ROOT = Path(__file__).parent.parent
METHODS = [("rendering/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"trim_blocks": "True", "lstrip_blocks": "True"}}


TRANSLATED = [c for c in LANGUAGES if c != "en"]


@functools.cache
def extracted() -> frozenset[str]:
    messages = extract_from_dir(str(ROOT), METHODS, options_map=OPTIONS)
    return frozenset(message for _, _, message, _, _ in messages if isinstance(message, str))


def catalog_of(code: str) -> dict[str, str]:
    """The catalog's translations by message id."""
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale=code)
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders(code: str) -> None:
    wanted = extracted()
    assert len(wanted) > 80
    translated = catalog_of(code)
    assert sorted(wanted - translated.keys()) == []
    for message in wanted:
        assert translated[message], message
        placeholders = sorted(re.findall(r"%\(\w+\)s", message))
        assert sorted(re.findall(r"%\(\w+\)s", translated[message])) == placeholders, message


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_catalog_keeps_a_message_nothing_uses(code: str) -> None:
    assert sorted(catalog_of(code).keys() - extracted()) == []


@pytest.mark.parametrize(
    ("code", "when", "duration", "uptime"),
    [
        ("en", "Nov 23, 2026", "2 hr 10 min", "99.95%"),
        ("de", "23.11.2026", "2 Std. 10 Min.", "99,95\xa0%"),
        ("fr", "23 nov. 2026", "2\u202fh 10\xa0min", "99,95\xa0%"),
        ("es", "23 nov 2026", "2 h 10 min", "99,95\xa0%"),
        ("pt_BR", "23 de nov. de 2026", "2 h 10 min", "99,95%"),
        ("ja", "2026/11/23", "2 時間 10 分", "99.95%"),
    ],
)
def test_formats_follow_the_language(code: str, when: str, duration: str, uptime: str) -> None:
    locale = Locale(code, "Europe/Berlin")
    assert locale.date(date(2026, 11, 23)) == when
    assert locale.duration(7800) == duration
    assert locale.percent(99.959) == uptime  # never rounded up
    assert locale.datetime(datetime(2026, 11, 23, 23, 30, tzinfo=UTC)).endswith("CET")
    assert locale.percent(None) == locale.gettext("no data")
