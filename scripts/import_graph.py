"""Measure the first-party import graph: package cycles and imports inside functions.

    python scripts/import_graph.py [--depth N] [--list]

Packages are the first N parts of a module's dotted name (default 2: `marketplace.missions`),
except that each domain's `views` package counts as its own node (the web layer, which
may read every domain). Imports under `if TYPE_CHECKING:` are left out (never executed).
The last line is JSON: {"packages", "cycles", "function_imports", "largest_module"}.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOTS = ("marketplace", "workers")
FIRST_PARTY = ("marketplace", "workers", "stripe_emulator")
# The app factory builds the app from every package: its registration steps import inside
# functions on purpose, so that importing any module does not import the whole web app.
FACTORY = frozenset({"marketplace"})


def modules(base: Path) -> dict[str, Path]:
    found = {}
    for root in ROOTS:
        for path in sorted((base / root).rglob("*.py")):
            name = ".".join(path.relative_to(base).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(tree: ast.AST) -> Iterator[tuple[str, bool, int]]:
    """(imported name, inside a function, line) for each first-party import."""

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[str, bool, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", "") == "TYPE_CHECKING":
                continue
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                names = [f"{child.module}.{alias.name}" for alias in child.names]
            else:
                names = []
            for name in names:
                if name.startswith(FIRST_PARTY):
                    yield name, nested, child.lineno
            yield from walk(child, nested)

    yield from walk(tree, False)


def node(module: str, depth: int) -> str:
    parts = module.split(".")
    if "views" in parts:
        return ".".join(parts[: parts.index("views") + 1])
    return ".".join(parts[:depth])


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the cycles are the components with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            components.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return [c for c in components if len(c) > 1]


@dataclass(frozen=True)
class Measures:
    packages: int
    cycles: list[list[str]]
    function_imports: list[str]
    largest_module: str

    def summary(self) -> str:
        return json.dumps({**asdict(self), "cycles": len(self.cycles),
                           "function_imports": len(self.function_imports)})


def measure(base: Path, depth: int = 2) -> Measures:
    found = modules(base)
    edges: dict[str, set[str]] = defaultdict(set)
    in_functions = []
    for module, path in found.items():
        for name, in_function, line in imports(ast.parse(path.read_text())):
            target = name
            while target not in found and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in found and node(target, depth) != node(module, depth):
                edges[node(module, depth)].add(node(target, depth))
            if in_function and module not in FACTORY:
                in_functions.append(f"{path.relative_to(base)}:{line} {name}")
    sizes = {str(p.relative_to(base)): len(p.read_text().splitlines()) for p in found.values()}
    largest = max(sizes, key=sizes.__getitem__)
    return Measures(packages=len(set(edges) | {w for ws in edges.values() for w in ws}),
                    cycles=strongly_connected(edges), function_imports=in_functions,
                    largest_module=f"{largest} ({sizes[largest]} lines)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="print each cycle and import")
    args = parser.parse_args()
    result = measure(Path(__file__).resolve().parent.parent, args.depth)
    if args.list:
        for item in [*result.cycles, *result.function_imports]:
            print(item)
    print(result.summary())


if __name__ == "__main__":
    main()
