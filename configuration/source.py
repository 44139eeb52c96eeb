"""YAML parsed together with the line and column of every key and value.

PyYAML's composed node tree carries positions; the data itself comes from `safe_load`.
Paths are tuples like `("monitors", 3, "timeout")`, shown as `monitors[3].timeout`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from configuration.errors import ConfigError, Problem

Path = tuple[str | int, ...]
# libyaml's loader when installed: five times faster on a config of 1,000 monitors.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Values a document may hold once its aliases (`*name`) are expanded: a config of 5,000
# monitors has about 100,000; an alias bomb of 600 bytes has billions.
MAX_VALUES = 500_000


@dataclass
class Source:
    """A parsed YAML document and where each of its parts was written."""

    file: str
    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)
    renamed: dict[Path, Path] = field(default_factory=dict)  # new key's path: where written

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of `path`, or of its nearest written ancestor."""
        path = self.written(path)
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)

    def written(self, path: Path) -> Path:
        """Where the text wrote `path`: a key read under its new name (see `rename`) is
        where its old name is, and a key merged in (`<<: *base`, `<<: [*a, *b]`: the first
        that has it) is where the anchored mapping has it."""
        written: Path = ()
        for part in path:
            step = self.renamed.get((*written, part), (*written, part))
            if step not in self.values:
                step = next((m for m in self._merged(written, part) if m in self.values), step)
            written = step
        return written

    def rename(self, old: Path, new: Path) -> None:
        """The key written at `old` is read as `new`: locate `new` (and below) at `old`."""
        self.renamed[self.written(new)] = self.written(old)

    def _merged(self, mapping: Path, key: str | int) -> Iterator[Path]:
        yield (*mapping, "<<", key)
        index = 0
        while (*mapping, "<<", index) in self.values:
            yield (*mapping, "<<", index, key)
            index += 1

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.file, line, column, format_path(path), message)


def read_source(path: os.PathLike[str] | str) -> str:
    """The text of a file people write, or a ConfigError: it cannot be read, or it is not
    UTF-8 (located at the first byte that is not)."""
    name = str(path)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise ConfigError([Problem(name, 1, 1, "", f"cannot read: {error.strerror}")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        message = f"not UTF-8 text: byte 0x{data[error.start]:02x}; save the file as UTF-8"
        raise ConfigError([Problem(name, line, column, "", message)]) from None


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def parse_yaml(text: str, file: str, line_offset: int = 0) -> Source:
    """Parse one YAML document; a syntax error raises ConfigError with its position."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
        if node is not None:
            _bound_aliases(node, file, line_offset)
        data = _construct(text, node, file, line_offset)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"invalid YAML: {error.problem or error.context}"
        raise ConfigError([Problem(file, line + line_offset, column, "", message)]) from None
    source = Source(file=file, data=data)
    if node is not None:
        _walk(node, (), source, line_offset)
    return source


def _construct(text: str, node: yaml.Node | None, file: str, offset: int) -> Any:
    """The data (a safe loader, C or Python); a value YAML reads as a date that does not
    exist (`2026-02-30`) is a located problem, not an error from the constructor."""
    try:
        return yaml.load(text, Loader=_LOADER)
    except (ValueError, OverflowError) as error:
        bad = _bad_timestamp(node) if node is not None else None
        mark = bad.start_mark if bad is not None else None
        line, column = (mark.line + 1 + offset, mark.column + 1) if mark else (1, 1)
        value = f"{bad.value} " if bad is not None else ""
        message = f"{value}is not a valid date or time: {error}"
        raise ConfigError([Problem(file, line, column, "", message)]) from None


def _bad_timestamp(root: yaml.Node) -> yaml.ScalarNode | None:
    constructor = yaml.SafeLoader("")
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _bound_aliases(root: yaml.Node, file: str, offset: int) -> None:
    """Refuse a document whose aliases expand to more than MAX_VALUES values: counted on
    the composed nodes (an alias is the same node again), stopping at the bound."""
    stack, count = [root], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_VALUES:
            line, column = node.start_mark.line + 1 + offset, node.start_mark.column + 1
            message = (
                f"the aliases (*name) expand this document to more than {MAX_VALUES:,} values; "
                "write fewer aliases"
            )
            raise ConfigError([Problem(file, line, column, "", message)])
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _walk(node: yaml.Node, path: Path, source: Source, offset: int) -> None:
    source.values[path] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*path, key)
            position = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if child in source.keys:
                source.duplicates.append(
                    Problem(source.file, *position, format_path(child), "key is written twice")
                )
            source.keys[child] = position
            _walk(value_node, child, source, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, offset)
