"""The text of what an import writes: config.yaml (keys in the reference's order, comments
on top) and the incident files (the front matter as `vigil incident` writes it).

`${NAME}` stays exactly as written: nothing here reads the environment, and the YAML
emitter quotes a value only where YAML needs it, never changing its characters. Merging
into an existing config inserts new entries as text below a list, so the person's comments
and layout stay as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from configuration.incident_files import IncidentFile
from importers.base import Imported, IncidentDraft

SECTION_ORDER = (
    "version",
    "site",
    "pages",
    "regions",
    "groups",
    "defaults",
    "monitors",
    "announcements",
    "runner",
    "history",
    "outage",
    "notifications",
    "export",
)
MONITOR_ORDER = ("id", "name", "description", "type", "group")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key


def dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def config_text(imported: Imported, source: str) -> str:
    """config.yaml: a header saying where it came from, then the sections, a blank line
    between sections and between monitors."""
    lines = [f"# Imported by `vigil import` from {source}.", *imported.comments]
    header = "".join(f"# {line}\n" if not line.startswith("#") else f"{line}\n" for line in lines)
    keys = [key for key in SECTION_ORDER if key in imported.config]
    keys += [key for key in imported.config if key not in SECTION_ORDER]  # never dropped
    sections = [_spaced(dump({key: _ordered(key, imported.config[key])})) for key in keys]
    return header + "\n".join(sections)


def _ordered(section: str, value: Any) -> Any:
    if section != "monitors" or not isinstance(value, list):
        return value
    return [{key: m[key] for key in (*MONITOR_ORDER, *m) if key in m} for m in value]


def _spaced(text: str) -> str:
    """A blank line between the entries of a top-level list, for the eye."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("  - ") and out and not out[-1].endswith(":\n"):
            out.append("\n")
        out.append(line)
    return "".join(out)


def incident_text(draft: IncidentDraft, folder: Path) -> str:
    return IncidentFile(folder / f"{draft.stem}.md", dict(draft.front_matter), draft.body).text()


def insert_entries(text: str, section: str, entries: list[dict[str, Any]]) -> str:
    """`text` with `entries` added at the end of its top-level list `section` (the list is
    added at the end of the file when there is none), everything else unchanged."""
    if not entries:
        return text
    block = dump(entries)
    node = yaml.compose(text, Loader=_LOADER)
    value = _section_node(node, section)
    if value is None or not isinstance(value, yaml.SequenceNode) or not value.value:
        if value is not None and not isinstance(value, yaml.SequenceNode | yaml.ScalarNode):
            raise ValueError(f"{section} is not a list")
        cleaned = text if value is None or node is None else _without_key(text, node, section)
        indented = "".join(f"  {line}" for line in block.splitlines(keepends=True))
        return cleaned.rstrip("\n") + f"\n\n{section}:\n{indented}"
    if value.flow_style:  # `[a, b]`: the new entries go inside the brackets
        inner = yaml.dump(entries, Dumper=_Dumper, default_flow_style=True, width=10**6).strip()
        close = value.end_mark.index - 1
        return f"{text[:close]}, {inner[1:-1]}{text[close:]}"
    first = value.value[0].start_mark
    lines = text.splitlines(keepends=True)
    column = lines[first.line].rfind("-", 0, first.column)  # the first entry's dash
    end = value.end_mark.line if value.end_mark.column == 0 else value.end_mark.line + 1
    indented = "".join(" " * column + line for line in block.splitlines(keepends=True))
    if lines[:end] and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join([*lines[:end], indented, *lines[end:]])


def _section_node(node: yaml.Node | None, section: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("the config is not a mapping")
    found: yaml.Node | None = None
    for key, value in node.value:
        if key.value == section:
            found = value
    return found


def _without_key(text: str, node: yaml.Node, section: str) -> str:
    """The text without an empty `section:` line (e.g. `monitors: []`)."""
    assert isinstance(node, yaml.MappingNode)
    for key, value in node.value:
        if key.value == section:
            lines = text.splitlines(keepends=True)
            del lines[key.start_mark.line : value.end_mark.line + 1]
            return "".join(lines)
    return text
