"""Redacting the values of `${NAME}` secrets, in every form text may carry them.

A target can echo a secret back (a token in a URL, a header it reflects) and a request
carries it encoded; so a secret is looked for as written, JSON-escaped, percent-encoded
(`quote`, `quote_plus`) and base64-encoded (standard and URL-safe, at any byte alignment
inside a longer encoded string, such as HTTP Basic credentials), and also where text was
cut off in the middle of one (`abcd…`, `abcd...`). Each is replaced by `***`.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
CUT_MARKS = ("…", "...")  # how shortened text ends (checks/conditions.py)
MIN_PREFIX = 4  # a cut-off secret shorter than this is not told apart from ordinary text


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by `***`."""
    forms = secret_forms(frozenset(filter(None, secrets)))
    for form in forms:
        text = text.replace(form, MASK)
    return _redact_cut(text, forms) if any(mark in text for mark in CUT_MARKS) else text


@functools.lru_cache(maxsize=64)
def secret_forms(secrets: frozenset[str]) -> tuple[str, ...]:
    """Each secret as text may carry it, longest first (so a form containing another is
    replaced whole)."""
    forms: set[str] = set()
    for value in secrets:
        escaped = (json.dumps(value, ensure_ascii=ascii)[1:-1] for ascii in (False, True))
        forms |= {value, *escaped, quote_plus(value), quote(value, safe="")}
        forms |= _base64_forms(value.encode())
    return tuple(sorted(forms, key=len, reverse=True))


def _base64_forms(secret: bytes) -> set[str]:
    """The base64 characters that encode only `secret`'s bytes, whatever precedes it: for
    each of the three alignments, the encoding without the groups shared with neighbours."""
    whole = base64.b64encode(secret).decode()
    forms = {whole, whole.rstrip("="), base64.urlsafe_b64encode(secret).decode().rstrip("=")}
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + secret).decode()
        start = 4 if offset else 0
        end = ((offset + len(secret)) // 3) * 4  # whole groups of the secret's bytes only
        core = encoded[start:end]
        if len(core) >= 8:
            forms |= {core, core.replace("+", "-").replace("/", "_")}
    return forms


def _redact_cut(text: str, forms: tuple[str, ...]) -> str:
    """A secret cut off by shortening: its start right before a cut mark."""
    for mark in CUT_MARKS:
        parts = text.split(mark)
        for index, part in enumerate(parts[:-1]):
            kept = max((_cut_start(part, form) for form in forms), default=0)
            if kept:
                parts[index] = part[:-kept] + MASK
        text = mark.join(parts)
    return text


def _cut_start(text: str, form: str) -> int:
    """How many characters at the end of `text` are the start of `form` (0: too few)."""
    for length in range(len(form) - 1, MIN_PREFIX - 1, -1):
        if text.endswith(form[:length]):
            return length
    return 0
