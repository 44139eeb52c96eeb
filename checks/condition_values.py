"""What each side of a condition reads from a probe's values.

Gatus-style operands read as Gatus reads them: a placeholder the check does not provide is Go's
zero value of that field (`[CERTIFICATE_EXPIRATION]` is 0 on plain HTTP), `[BODY]` is trimmed,
a JSON path that leads nowhere (or to `null`) is the text `<operand> (INVALID)`, and a JSON value
is printed as Go prints it (`[a b]` for an array). Either way the outcome says what was missing.
openstatus-style operands read as openstatus does: the raw body, exact header values, a missing
JSON path as empty text, DNS records one by one. Stdlib only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from checks.numbers import number_text

PLACEHOLDERS = (
    "STATUS", "RESPONSE_TIME", "IP", "BODY", "CONNECTED",
    "CERTIFICATE_EXPIRATION", "DOMAIN_EXPIRATION", "DNS_RCODE", "HEADER",
)  # fmt: skip
# What Gatus compares when a check does not provide a placeholder: Go's zero value of its field.
_ZERO = {"STATUS": "0", "RESPONSE_TIME": "0", "IP": "", "BODY": "", "CONNECTED": "false"}
_ZERO |= {"CERTIFICATE_EXPIRATION": "0", "DOMAIN_EXPIRATION": "0", "DNS_RCODE": ""}
# Go's strings.TrimSpace: Unicode white space, but not the ASCII separators \x1c-\x1f.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_GO_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_PROVIDED = "not provided by this check"
NO_PATH = "no such path in the body"
NOT_JSON = "the body is not JSON"
_UNPARSED, _NOT_JSON, _NOWHERE = object(), object(), object()


@dataclass(frozen=True)
class Operand:
    """One side of a condition; `label` is how it was written, shown in explanations."""

    label: str
    # Gatus: literal, placeholder, header, len, has, pat, any;
    # openstatus: status_code, text_body, response_header, json_body, dns_records
    kind: str
    name: str = ""  # placeholder name, header name or DNS record type
    path: tuple[str | int, ...] = ()  # JSON path into the body
    args: tuple[str, ...] = ()  # literal value, pat() pattern or any() values
    inner: Operand | None = None  # the placeholder inside len() / has()


@dataclass(frozen=True)
class Resolved:
    """An operand's value as text, and why it is not what the probe saw, if it is not."""

    text: str
    missing: str | None = None  # the value was missing: why (shown; the text is what compares)
    fails: bool = False  # openstatus: a missing value fails the assertion whatever it compares
    items: tuple[str, ...] | None = None  # DNS records, each compared on its own


class Probe(dict[str, object]):
    """A probe's values, parsing the JSON body at most once however many operands read it."""

    _json: object = _UNPARSED

    def json_body(self) -> object:
        if self._json is _UNPARSED:
            try:
                self._json = json.loads(_raw_body(self))
            except ValueError:
                self._json = _NOT_JSON
        return self._json


def resolve(operand: Operand, probe: Probe) -> Resolved:
    return _RESOLVERS[operand.kind](operand, probe)


def _literal(operand: Operand, probe: Probe) -> Resolved:
    return Resolved(operand.args[0] if operand.kind == "literal" else "")


def _placeholder(operand: Operand, probe: Probe) -> Resolved:
    if operand.name == "BODY":
        return _walked(operand, probe, lambda text, _: text) if operand.path else _body(probe)
    if operand.name not in probe:
        return Resolved(_ZERO[operand.name], NOT_PROVIDED)
    return Resolved(_placeholder_text(operand.name, probe[operand.name]))


def _body(probe: Probe) -> Resolved:
    if "BODY" not in probe:
        return Resolved("", NOT_PROVIDED)
    return Resolved(_raw_body(probe).strip(_GO_SPACE))


def _header(operand: Operand, probe: Probe) -> Resolved:
    value = header_value(probe, operand.name)
    if value is None:
        return Resolved(f"{operand.label} (INVALID)", "no such header in the response")
    return Resolved(value)


def _length(operand: Operand, probe: Probe) -> Resolved:
    inner = operand.inner
    assert inner is not None
    if inner.kind == "placeholder" and inner.name == "BODY":
        if inner.path:
            return _walked(inner, probe, lambda _, length: str(length), operand.label)
        return Resolved(str(_body_length(probe)), None if "BODY" in probe else NOT_PROVIDED)
    value = resolve(inner, probe)
    if value.text.endswith(" (INVALID)"):
        return Resolved(f"{operand.label} (INVALID)", value.missing)
    return Resolved(str(len(value.text.encode())), value.missing)


def _has(operand: Operand, probe: Probe) -> Resolved:
    inner = operand.inner
    assert inner is not None
    if inner.kind == "header":
        return Resolved(_bool(header_value(probe, inner.name) is not None))
    if inner.kind == "placeholder" and inner.name == "BODY" and inner.path:
        return Resolved(_bool(_walk(inner.path, probe.json_body()) is not None))
    return Resolved(_bool(resolve(inner, probe).text != ""))


def _walked(
    operand: Operand, probe: Probe, pick: Callable[[str, int], str], label: str = ""
) -> Resolved:
    """A `[BODY].path` value (or its length) as Gatus's jsonpath gives it."""
    data = probe.json_body()
    found = _walk(operand.path, data)
    if found is None:
        reason = NOT_JSON if data is _NOT_JSON else NO_PATH
        return Resolved(f"{label or operand.label} (INVALID)", reason)
    return Resolved(pick(*found))


def _walk(path: tuple[str | int, ...], data: object) -> tuple[str, int] | None:
    """The value at `path` as Go prints it and its length (elements of an array, bytes of
    anything else); None where Gatus's jsonpath gives an error, `null` included."""
    data = at_path(data, path)
    if data is None or data is _NOWHERE or data is _NOT_JSON:
        return None
    if isinstance(data, list):
        return go_text(data), len(data)
    text = go_json(data) if isinstance(data, dict) else go_text(data)
    return text, len(text.encode())


def at_path(data: object, path: tuple[str | int, ...]) -> object:
    """The JSON value at `path` (keys of objects, indexes of arrays); _NOWHERE if none."""
    for step in path:
        if isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
            continue
        if not (isinstance(data, dict) and isinstance(step, str) and step in data):
            return _NOWHERE
        data = data[step]
    return data


def _body_length(probe: Probe) -> int:
    # Gatus: the element count of a body that is a JSON array, else the raw body's length.
    raw = _raw_body(probe)
    if raw.startswith("[") and raw.endswith("]"):
        data = probe.json_body()
        if isinstance(data, list):
            return len(data)
        if data is _NOT_JSON:
            return len(raw.strip(_GO_SPACE).encode())
    return len(raw.encode())


def go_text(value: object, top: bool = True) -> str:
    """A JSON value as Go's `%v` prints it (numbers keep their JSON digits, see README)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "<nil>"}[value]
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, list):
        return "[" + " ".join(go_text(item, False) for item in value) + "]"
    assert isinstance(value, dict)
    if top:
        return go_json(value)
    return "map[" + " ".join(f"{key}:{go_text(value[key], False)}" for key in sorted(value)) + "]"


def go_json(value: object) -> str:
    """Minified JSON as Go's `json.Marshal` writes it: keys sorted, `<>&` escaped."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _placeholder_text(name: str, value: object) -> str:
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, timedelta):  # Go's Duration.Milliseconds(): truncated
        return str(int(value / timedelta(milliseconds=1)))
    if name == "RESPONSE_TIME" and isinstance(value, int | float):
        return str(int(value))  # whole milliseconds, as Gatus measures
    return number_text(value) if isinstance(value, int | float) else str(value)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _raw_body(probe: Mapping[str, object]) -> str:
    body = probe.get("BODY")
    return body.decode(errors="replace") if isinstance(body, bytes) else str(body or "")


def header_value(probe: Mapping[str, object], name: str) -> str | None:
    """The first value of a response header, its name in any case (RFC 9110); None if absent."""
    headers = probe.get("HEADERS")
    if not isinstance(headers, Mapping):
        return None
    wanted = name.lower()
    found = [value for key, value in headers.items() if str(key).lower() == wanted]
    return str(found[0]) if found else None


# openstatus-style operands


def _status_code(operand: Operand, probe: Probe) -> Resolved:
    if "STATUS" not in probe:
        return Resolved("", NOT_PROVIDED, fails=True)
    return Resolved(str(probe["STATUS"]))


def _text_body(operand: Operand, probe: Probe) -> Resolved:
    if "BODY" not in probe:
        return Resolved("", NOT_PROVIDED, fails=True)
    return Resolved(_raw_body(probe))


def _response_header(operand: Operand, probe: Probe) -> Resolved:
    if not isinstance(probe.get("HEADERS"), Mapping):
        return Resolved("", NOT_PROVIDED, fails=True)
    value = header_value(probe, operand.name)
    if value is None:
        return Resolved("", "no such header in the response", fails=True)
    return Resolved(value)


def _json_body(operand: Operand, probe: Probe) -> Resolved:
    """openstatus's JSONPath result as text: a missing path is empty, `null` is "null"."""
    data = probe.json_body()
    if data is _NOT_JSON:
        return Resolved("", NOT_JSON, fails=True)
    data = at_path(data, operand.path)
    if data is _NOWHERE:
        return Resolved("", NO_PATH)
    if isinstance(data, list | dict):
        return Resolved(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    return Resolved(json.dumps(data) if data is None or isinstance(data, bool) else go_text(data))


def _dns_records(operand: Operand, probe: Probe) -> Resolved:
    records = probe.get("RECORDS")
    if not isinstance(records, Mapping):
        return Resolved("", NOT_PROVIDED, fails=True)
    found: Sequence[str] = records.get(operand.name) or ()
    return Resolved(", ".join(found), items=tuple(found))


_RESOLVERS: dict[str, Callable[[Operand, Probe], Resolved]] = {
    "literal": _literal, "pat": _literal, "any": _literal,
    "placeholder": _placeholder, "header": _header, "len": _length, "has": _has,
    "status_code": _status_code, "text_body": _text_body,
    "response_header": _response_header, "json_body": _json_body, "dns_records": _dns_records,
}  # fmt: skip
