"""The floors the apps stand on, and the checker that reads every import against them.

An app imports only from its own floor's apps or lower ones, never from a higher floor, never
a `_private` name of another module, and apps never import each other in a circle. Imports
inside functions and under `if TYPE_CHECKING:` count like any other: a function-level import
is still a dependency, only a later one. Where a lower floor must set higher work going it
calls a hook that the higher app registers at start-up (`core/hooks.py`, ADR 0010).

`tests/test_architecture.py` runs `check()` on `src/caseledger`; docs/architecture.md draws
the same list. The checker is pure (ast, no Django) so it can be run on planted sources.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Lowest first. Apps on one floor may import each other only without a circle.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("core",),  # errors, clock, state, permissions vocabulary and checks, hooks, storage
    ("vault",),  # crypto, keys, masking, validators: pure, on core only
    ("journal",),  # the chain: append, verify, checkpoints, history
    ("accounts",),  # people, departments, grants, tokens (journaled)
    ("holds",),  # the guards every write calls: legal hold, PIPL restriction
    ("customers",),
    ("cases",),
    ("retention",),  # schedules, deadlines, legal holds, erasure marks
    ("privacy",),  # consent, privacy requests, maker-checker
    ("archive",),
    ("disposition",),
    ("backup",),
    # knowledge stands on search's index; classify reads search's tokens (same floor, one
    # way: search never imports either).
    ("workflow", "intake", "search", "knowledge", "classify"),
    ("insights", "notify"),  # roll-ups; notifications and webhooks over the journal
    ("api", "web", "cli", "demo", "wsgi"),  # cli serves the wsgi application
    ("__init__", "__main__", "settings", "urls"),  # the project's own wiring
)

FLOOR_OF: dict[str, int] = {app: n for n, apps in enumerate(FLOORS) for app in apps}
PACKAGE = "caseledger"


@dataclass(frozen=True, order=True)
class Problem:
    kind: str  # "upward", "circle", "private", "unplaced"
    module: str
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.module}:{self.line}: {self.detail}"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    target: str  # the module imported from
    names: tuple[str, ...]  # names taken from it (`from x import a, b`); () for `import x`


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_in(
    source: str,
    module: str,
    is_package: bool = False,
    is_module: Callable[[str], bool] = lambda name: False,
) -> Iterator[Import]:
    """Every import of a `caseledger` module in `source`, at any depth; and every use of a
    `_private` attribute of an imported caseledger module (`customers._locked(...)`), as an
    import of that name."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # local name -> the caseledger module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield Import(module, node.lineno, alias.name, ())
                    if alias.asname:
                        modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, is_package)
            if target.split(".")[0] == PACKAGE:
                names = []
                for alias in node.names:
                    if is_module(f"{target}.{alias.name}"):  # a submodule, judged by its path
                        modules[alias.asname or alias.name] = f"{target}.{alias.name}"
                        yield Import(module, node.lineno, f"{target}.{alias.name}", ())
                    else:
                        names.append(alias.name)
                yield Import(module, node.lineno, target, tuple(names))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _private(node.attr)
        ):
            yield Import(module, node.lineno, modules[node.value.id], (node.attr,))


def read_tree(root: Path) -> list[Import]:
    """The imports of every module under `root/caseledger` (root is the `src` folder)."""

    def is_module(name: str) -> bool:
        path = root.joinpath(*name.split("."))
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()

    found: list[Import] = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        module, is_package = _module_name(path, root)
        source = path.read_text(encoding="utf-8")
        found.extend(imports_in(source, module, is_package, is_module))
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _app_problems(imp: Import) -> Iterator[Problem]:
    source, target = app_of(imp.module), app_of(imp.target)
    for app in {source, target}:
        if app not in FLOOR_OF:
            yield Problem("unplaced", imp.module, imp.line, f"app {app!r} is on no floor")
    if source in FLOOR_OF and target in FLOOR_OF and FLOOR_OF[target] > FLOOR_OF[source]:
        yield Problem(
            "upward",
            imp.module,
            imp.line,
            f"{source} (floor {FLOOR_OF[source]}) imports {imp.target} "
            f"({target}, floor {FLOOR_OF[target]})",
        )
    hidden = [p for p in imp.target.split(".") if _private(p)]
    if _inside(imp.module, imp.target):
        hidden = []
    hidden += [n for n in imp.names if _private(n)]
    if hidden and imp.target != imp.module:
        yield Problem(
            "private", imp.module, imp.line, f"takes {', '.join(hidden)} from {imp.target}"
        )


def _inside(module: str, target: str) -> bool:
    """A package's own `_private` submodules are its business: `x/__init__` or any module of
    package `x` may import `x._impl` (but not a `_name` defined in another module)."""
    package = target.rsplit(".", 1)[0]
    return target.startswith(module + ".") or module.startswith(package + ".")


def circles(imports: Iterable[Import]) -> list[list[str]]:
    """Groups of apps that import each other round a circle (strongly connected, > 1 app)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        source, target = app_of(imp.module), app_of(imp.target)
        graph.setdefault(source, set())
        graph.setdefault(target, set())
        if source != target:
            graph[source].add(target)
    return [sorted(group) for group in _strongly_connected(graph) if len(group) > 1]


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the app graph is small, but recursion hides bugs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def check_imports(imports: list[Import]) -> list[Problem]:
    problems = {p for imp in imports for p in _app_problems(imp)}
    for group in circles(imports):
        problems.add(Problem("circle", group[0], 0, " <-> ".join(group)))
    return sorted(problems)


def check(root: Path) -> list[Problem]:
    """Every floor problem under `root/caseledger`; an empty list means the floors hold."""
    return check_imports(read_tree(root))
