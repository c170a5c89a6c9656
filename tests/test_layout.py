"""The package's layout as tests: no import cycles between searchapp's modules, and the
serving path and ingestion load only what they use.

The import graph is read from the source with ast (absolute and relative imports, at module
level or inside functions and `if TYPE_CHECKING:` blocks alike), so a cycle is found even when
a lazy import keeps it from failing at run time. What a fresh interpreter actually loads is
checked in a subprocess; a failure prints the chain of imports that pulls the module in.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from collections.abc import Mapping, Set
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "searchapp"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(name: str, tree: ast.Module) -> list[str]:
    """Every module name an import statement anywhere in `tree` refers to, resolved to
    absolute names; `from X import Y` gives X.Y when that is a module, else X."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found += [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                      for alias in node.names]
            found.append(base)  # `from pkg import mod` runs pkg/__init__ too: a package
            #                     importing its own modules that import it back is a cycle
    return found


@functools.cache
def import_graph() -> dict[str, frozenset[str]]:
    """searchapp module -> the searchapp modules it imports (the nearest existing module of
    a dotted name: `import searchapp.index.read.Index` is not valid, `searchapp.x` may be a
    package)."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = set()
        for target in imported_names(name, tree):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = frozenset(targets)
    return graph


def cycles(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan), shown
    as a closed path a -> b -> ... -> a."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [closed_path(graph, component) for component in components]


def closed_path(graph: Mapping[str, Set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module, by breadth-first search."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    return paths[node] + [start]
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def chain(graph: Mapping[str, Set[str]], roots: list[str], wanted: str) -> list[str] | None:
    """A shortest import chain from one of `roots` to `wanted` (or a module under it)."""
    paths = {root: [root] for root in roots}
    frontier = list(roots)
    while frontier:
        following = []
        for node in frontier:
            if node == wanted or node.startswith(wanted + "."):
                return paths[node]
            for target in sorted(graph.get(node, ())):
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    return None


def test_the_graph_sees_every_kind_of_import() -> None:
    """The reader itself: relative imports, imports inside functions and `from package import
    module` all become edges (else a cycle could hide behind them)."""
    graph = import_graph()
    assert "searchapp.text.normalize" in graph["searchapp.text.tokenize"]  # absolute, from
    assert "searchapp.index.build" in graph["searchapp.cli"]  # inside a command function
    assert "searchapp.web.api" in graph["searchapp.web"]  # from package import module
    fake = ast.parse("from . import normalize\nfrom ..index import read\n"
                     "def f():\n    from .synonyms import expand\n")
    assert sorted(set(imported_names("searchapp.text.tokenize", fake))) == [
        "searchapp.index", "searchapp.index.read",  # the package runs too
        "searchapp.text", "searchapp.text.normalize", "searchapp.text.synonyms"]


def test_cycles_are_found_and_shown_as_a_path() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_no_import_cycles_between_searchapp_modules() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


WRITER = ["searchapp.index.writing", "searchapp.index.build", "searchapp.index.segment",
          "searchapp.index.fork", "searchapp.index.filecache", "searchapp.ingest"]
PATHS = {  # what a path imports -> what it must not load
    ("searchapp.search.searching", "searchapp.index.read"): WRITER,
    ("searchapp.ingest.corpus",): ["whoosh", "rjieba"],
    ("searchapp.ingest.corpus", "searchapp.text.normalize"): ["whoosh"],
    ("searchapp.index.build",): ["whoosh", "searchapp.index.segment"],  # the check's check
}


@pytest.fixture(scope="module")
def loaded() -> dict[tuple[str, ...], list[str]]:
    """sys.modules of a fresh interpreter after each path's imports (all started at once)."""
    runs = {imports: subprocess.Popen(
        [sys.executable, "-c", "import json, sys\n"
         + "".join(f"import {name}\n" for name in imports)
         + "print(json.dumps(sorted(sys.modules)))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PACKAGE.parent)
        for imports in PATHS}
    results = {imports: run.communicate(timeout=120) for imports, run in runs.items()}
    assert {imports: err for imports, (_, err) in results.items()
            if runs[imports].returncode} == {}
    return {imports: json.loads(out) for imports, (out, _) in results.items()}


@functools.cache
def graph_with_third_party() -> dict[str, Set[str]]:
    """The import graph plus third-party modules as leaves, for showing chains."""
    graph = dict(import_graph())
    for name, targets in graph.items():
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        graph[name] = targets | {t for t in imported_names(name, tree)
                                 if not t.startswith("searchapp")}
    return graph


def unwanted(loaded: dict[tuple[str, ...], list[str]],
             imports: tuple[str, ...]) -> dict[str, list[str] | None]:
    """Each forbidden module (or package) that importing `imports` loaded, with a chain of
    imports from the source that leads to it (None: pulled in by a third-party module)."""
    return {f: chain(graph_with_third_party(), list(imports), f) for f in PATHS[imports]
            if any(m == f or m.startswith(f + ".") for m in loaded[imports])}


@pytest.mark.parametrize("imports", list(PATHS)[:3],
                         ids=["serving-loads-no-writer", "ingestion-loads-no-whoosh-or-jieba",
                              "ingestion-and-normalising-load-no-whoosh"])
def test_a_fresh_interpreter_loads_only_what_the_path_uses(loaded, imports) -> None:
    found = unwanted(loaded, imports)
    assert found == {}, "\n".join(
        f"{module}: " + (" -> ".join(path) if path else "loaded by a third-party import")
        for module, path in found.items())


def test_the_check_sees_a_module_that_is_loaded(loaded) -> None:
    """The subprocess check can fail: the writer does load whoosh, and the chain says how."""
    found = unwanted(loaded, ("searchapp.index.build",))
    assert found.keys() == {"whoosh", "searchapp.index.segment"}
    assert found["searchapp.index.segment"][0] == "searchapp.index.build"
    assert found["whoosh"][-1].startswith("whoosh")
