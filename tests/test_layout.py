"""The shape of the code: no import cycle between Vigil's modules, the packages import in one
direction only (configuration → checks → history → rendering/notifications →
publishing/exporting/importers → commands), inside `rendering` too (text → views → the
outputs → site), and each third-party library stays in the package that owns it. Read from
the source with `ast`: every import counts, at the top of a module, inside a function or under
`TYPE_CHECKING`, so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lower layers never import higher ones; packages on the same layer never import each other.
LAYER = {
    "configuration": 0,
    "checks": 1,
    "history": 2,
    "rendering": 3,
    "notifications": 3,
    "publishing": 4,
    "exporting": 4,
    "importers": 4,
    "commands": 5,
    "generator": 6,
}

# The few imports against the direction, each with its reason. A check type and a channel
# type are one module each, holding their own config options: the config model is assembled
# from their registries, and conditions are parsed while the config loads, so that a bad one
# is a config error with its location.
AGAINST_THE_DIRECTION = {
    ("configuration.models", "checks.registry"): "monitor options are the check types' own",
    ("configuration.models", "notifications.registry"): "channel options are the channels' own",
    ("configuration.reference", "checks.registry"): "the README reference lists each type",
    ("configuration.monitor", "checks.conditions"): "conditions are parsed on load",
    ("configuration.monitor", "checks.assertions"): "assertions are compiled on load",
    ("configuration.loader", "checks.assertions"): "a wrong assertion kind is located",
}

# Third-party libraries and the only packages that may import them.
OWNERS = {
    "duckdb": {"history"},
    "jinja2": {"rendering"},
    "feedgen": {"rendering"},
    "click": {"commands", "generator"},
}


def _modules() -> dict[str, Path]:
    found = {"generator": ROOT / "generator.py"}
    for package in LAYER.keys() - {"generator"}:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module name `name` imports (absolute, as written or resolved), with its line."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in MODULES else base), node.lineno


def _graph() -> dict[str, dict[str, int]]:
    """Each module's imports of other Vigil modules, with the line of the first."""
    graph: dict[str, dict[str, int]] = {}
    for name, path in MODULES.items():
        edges: dict[str, int] = {}
        for target, line in _imported(name, path):
            if target in MODULES and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def _cycle(graph: Mapping[str, Mapping[str, int]]) -> list[str] | None:
    """One import cycle as the modules along it, or None (a depth-first walk)."""
    done: set[str] = set()
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        found = next(filter(None, (walk(target) for target in sorted(graph[node]))), None)
        path.pop()
        done.add(node)
        return found

    return next(filter(None, (walk(node) for node in sorted(graph))), None)


def test_no_module_imports_itself_back_through_others() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": 1}, "b": {}, "c": {"b": 1}}) is None


def test_packages_import_in_one_direction_only() -> None:
    against: dict[tuple[str, str], str] = {}
    for name, edges in _graph().items():
        package = name.split(".")[0]
        for target, line in edges.items():
            top = target.split(".")[0]
            if top != package and LAYER[top] >= LAYER[package]:
                against[name, target] = f"{MODULES[name].relative_to(ROOT)}:{line}"
    unexplained = [
        f"{where} imports {pair[1]}"
        for pair, where in against.items()
        if pair not in AGAINST_THE_DIRECTION
    ]
    assert unexplained == []
    # Every exception is still needed: one that is gone comes off the list.
    assert set(against) == set(AGAINST_THE_DIRECTION)


def test_each_library_is_imported_only_by_its_package() -> None:
    strays = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for name, path in MODULES.items()
        for target, line in _imported(name, path)
        if target.split(".")[0] in OWNERS and name.split(".")[0] not in OWNERS[target.split(".")[0]]
    ]
    assert strays == []


# Inside `rendering`, by job: the text helpers, then the view models, then the writers of
# each output (which may use each other's parts, never in a cycle), then `rendering.site`.
RENDERING_TIER = {"text": 0, "views": 1, "site": 3}  # each output family (api, feeds, …): 2
RENDERING_OUTPUTS = {"api", "badges", "feeds", "hosting", "pages"}


def _part(module: str) -> str | None:
    """The part of `rendering` a module belongs to (`views`, `site`, …), or None outside it."""
    parts = module.split(".")
    return parts[1] if parts[0] == "rendering" and len(parts) > 1 else None


def _rendering_graph() -> dict[str, dict[str, int]]:
    """The parts of `rendering` and the other parts each imports, with the first line."""
    graph: dict[str, dict[str, int]] = {}
    for name, edges in _graph().items():
        if (part := _part(name)) is not None:
            targets = graph.setdefault(part, {})
            for target, line in edges.items():
                if (other := _part(target)) not in (None, part):
                    targets.setdefault(other, line)
    return graph


def test_rendering_is_split_into_the_parts_its_docstring_names() -> None:
    parts = {_part(name) for name in MODULES} - {None}
    assert parts == RENDERING_TIER.keys() | RENDERING_OUTPUTS
    documented = (ROOT / "rendering" / "__init__.py").read_text(encoding="utf-8")
    assert all(f"- `{part}`:" in documented for part in parts - {"site"})


def test_rendering_parts_import_text_then_views_then_outputs_then_site() -> None:
    graph = _rendering_graph()
    tier = {part: RENDERING_TIER.get(part, 2) for part in graph}
    upward = [
        f"rendering.{part} imports rendering.{target}"
        for part, targets in graph.items()
        for target in targets
        if tier[target] > tier[part] or (tier[target] == tier[part] != 2)
    ]
    assert upward == []
    cycle = _cycle(graph)
    assert cycle is None, "cycle between parts of rendering: " + " → ".join(cycle or [])


def _packages() -> list[str]:
    """The packages the wheel carries: pyproject's list, which setuptools does not extend."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        packages: list[str] = tomllib.load(file)["tool"]["setuptools"]["packages"]
    return packages


def test_pyproject_lists_every_package_of_the_source() -> None:
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for package in LAYER.keys() - {"generator"}
        for path in (ROOT / package).rglob("__init__.py")
    }
    assert sorted(_packages()) == sorted(found)


def test_the_readme_names_every_package_where_it_tells_how_it_fits_together() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together")[1].split("\n#")[0]  # to the next heading
    unnamed = [
        package
        for package in _packages()
        if f"`{package.split('.')[0]}/`" not in section
        or f"`{package.split('.')[-1]}/`" not in section
    ]
    assert unnamed == []
