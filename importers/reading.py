"""Reading a source: a file, or an http(s) URL fetched with the standard library (a raw
`.upptimerc.yml` on GitHub, a Statuspage's `api/v2/summary.json`), parsed as YAML with the
line of every key or as JSON. Every failure is a located ConfigError: exit status 2."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from configuration.errors import ConfigError, Problem
from configuration.source import parse_yaml, read_source
from importers.base import Document, json_document, yaml_document

MAX_BYTES = 16 * 1024 * 1024  # a source larger than this is not a config
FETCH_TIMEOUT = 30.0  # seconds
USER_AGENT = "Vigil/0.1 (+https://github.com/vigil-status/vigil; import)"


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def read_text(location: str) -> str:
    """The text at a path or an http(s) URL."""
    if not is_url(location):
        return read_source(location)
    request = urllib.request.Request(location, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise _cannot(location, f"cannot fetch: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise _cannot(location, f"cannot fetch: {reason}") from None
    if len(data) > MAX_BYTES:
        raise _cannot(location, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _cannot(location, "not UTF-8 text") from None


def load_yaml(location: str, text: str | None = None) -> Document:
    source = parse_yaml(read_text(location) if text is None else text, location)
    return yaml_document(source)


def load_json(location: str) -> Document:
    text = read_text(location)
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg}"
        raise ConfigError([Problem(location, error.lineno, error.colno, "", message)]) from None
    return json_document(location, data)


def _cannot(location: str, message: str) -> ConfigError:
    return ConfigError([Problem(location, 0, 0, "", message)])
