"""How long modules and functions may grow, and the checker that measures them.

A module over `MODULE_LINES` lines is split by subject (migrations and the data modules in
`LONG_MODULES` aside); a function over `FUNCTION_LINES` lines says in its docstring why it is
long (`Long because …`), or is split. `tests/test_architecture.py` runs both checks on
`src/caseledger`. Pure (ast, no Django), like `core/floors.py`, so it runs on planted trees.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MODULE_LINES = 500
FUNCTION_LINES = 60
REASON = "long because"  # what a long function's docstring says, in any case
PACKAGE = "caseledger"

# Modules that are data rather than code, each with why it may be long.
LONG_MODULES: dict[str, str] = {
    "demo/texts.py": "word lists the demo generator draws from (data, not code)",
}


@dataclass(frozen=True, order=True)
class Oversize:
    path: str  # relative to src/caseledger
    line: int
    name: str  # the module's path, or the function's qualified name
    lines: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name} has {self.lines} lines"


def sources(root: Path) -> Iterator[tuple[str, Path]]:
    """Every module under `root/caseledger` outside migrations: (path relative to the
    package, path)."""
    base = root / PACKAGE
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base).as_posix()
        if "migrations" not in path.relative_to(base).parts:
            yield rel, path


def long_modules(
    root: Path, limit: int = MODULE_LINES, allowed: dict[str, str] | None = None
) -> list[Oversize]:
    """Modules under `root/caseledger` longer than `limit` lines, migrations and `allowed`
    (path relative to the package: reason) aside."""
    allowed = LONG_MODULES if allowed is None else allowed
    found = []
    for rel, path in sources(root):
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > limit and rel not in allowed:
            found.append(Oversize(rel, 1, rel, count))
    return found


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(root: Path, limit: int = FUNCTION_LINES) -> list[Oversize]:
    """Functions under `root/caseledger` (migrations aside) longer than `limit` lines, from
    `def` (decorators aside) to their last line, whose docstring gives no reason."""
    found = []
    for rel, path in sources(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name, node in _functions(tree):
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            count = (node.end_lineno or node.lineno) - node.lineno + 1
            doc = (ast.get_docstring(node) or "").lower()
            if count > limit and REASON not in " ".join(doc.split()):
                found.append(Oversize(rel, node.lineno, name, count))
    return found
