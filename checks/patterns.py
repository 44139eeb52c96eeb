"""`pat()`: Gatus's pattern matcher, which is Go's `filepath.Match` after removing every `/`.

`*` matches any run of characters, `?` one character, `[a-z]` / `[^0-9]` one of (or none of) a
set, and `\\` escapes the next character, so `pat(2\\*)` matches the text `2*` only. A malformed
pattern (`[a-`, a trailing `\\`) matches nothing, as in Go. Python's `fnmatch` differs on all of
the escape, the negation (`[!...]`) and malformed patterns, so it is not used. Stdlib only.
"""

from __future__ import annotations


class _BadPattern(Exception):
    pass


def matches(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern` as Gatus's `pattern.Match` decides."""
    if pattern == "*":
        return True
    try:
        return _match(pattern.replace("/", ""), text.replace("/", ""))
    except _BadPattern:
        return False


def _match(pattern: str, text: str) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return True  # a trailing * takes the rest (no separator is left to stop it)
        rest = _match_chunk(chunk, text)
        if rest is not None and (not rest or pattern):
            text = rest
            continue
        if star:
            skipped = _skip(chunk, text, last=not pattern)
            if skipped is not None:
                text = skipped
                continue
        _check_rest(pattern)
        return False
    return not text


def _skip(chunk: str, text: str, last: bool) -> str | None:
    """The text after `chunk` matched past a star, trying each start after the first."""
    for start in range(1, len(text) + 1):
        rest = _match_chunk(chunk, text[start:])
        if rest is not None and not (last and rest):
            return rest
    return None


def _check_rest(pattern: str) -> None:
    # Go reports a malformed pattern even when an earlier part already failed to match.
    while pattern:
        _, chunk, pattern = _scan_chunk(pattern)
        _match_chunk(chunk, "")


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    """Leading stars, then everything up to the next star outside a [...] set."""
    stripped = pattern.lstrip("*")
    star, in_set, index = stripped != pattern, False, 0
    while index < len(stripped):
        char = stripped[index]
        if char == "\\" and index + 1 < len(stripped):
            index += 1
        elif char in "[]":
            in_set = char == "["
        elif char == "*" and not in_set:
            break
        index += 1
    return star, stripped[:index], stripped[index:]


def _match_chunk(chunk: str, text: str) -> str | None:
    """The text left after `chunk` (no stars in it) matched its start; None if it did not.
    Raises _BadPattern for a malformed chunk, also where the text ran out first."""
    failed = False
    while chunk:
        failed = failed or not text
        head = chunk[0]
        if head == "[":
            matched, chunk = _match_set(chunk[1:], text[0] if not failed else "")
            failed = failed or not matched
        elif head == "?":
            chunk = chunk[1:]
        else:
            if head == "\\":
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPattern
            failed = failed or chunk[0] != text[0]
            chunk = chunk[1:]
        text = text[1:] if not failed else text
    return None if failed else text


def _match_set(chunk: str, char: str) -> tuple[bool, str]:
    """Whether `char` is in the set at the start of `chunk` (after its `[`), and the rest."""
    negated = chunk.startswith("^")
    chunk = chunk[1:] if negated else chunk
    found, ranges = False, 0
    while not (chunk.startswith("]") and ranges):
        low, chunk = _set_char(chunk)
        high = low
        if chunk.startswith("-"):
            high, chunk = _set_char(chunk[1:])
        found = found or (char != "" and low <= char <= high)
        ranges += 1
    return found != negated, chunk[1:]


def _set_char(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise _BadPattern
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise _BadPattern
    if len(chunk) == 1:
        raise _BadPattern  # the set never closes
    return chunk[0], chunk[1:]
