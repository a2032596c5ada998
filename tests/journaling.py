"""What tests/test_every_service_journals.py checks with: which functions write rows (read
from the source, so a writer in any module is found), and which rows a call changed (read
from the database, so an unjournaled write is seen whatever it was)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, models

import caseledger

# Methods that write a row whatever they are called on (a model, a manager, a queryset).
ROW_WRITES = {
    "save",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
# Methods that write only when called on a queryset (`dict.update`, `list.remove` do not).
QUERYSET_WRITES = {"update", "delete"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "select_for_update", "all", "_base_manager"}
SQL_WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Writer:
    """A public function that writes rows, itself or through its module's private helpers."""

    name: str  # module.function
    actor_keyword_only: bool
    line: int


def _chain(node: ast.AST) -> list[str]:
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def _writes_here(func: ast.AST) -> bool:
    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method == "create" and _chain(node.func.value) == ["idempotency"]:
            # api.idempotency.create(): the Idempotency-Key wrapper around one service call,
            # which is found (and checked) in its own module; the route writes nothing itself.
            continue
        if method in ROW_WRITES:
            return True
        if method in QUERYSET_WRITES and QUERYSET_HINTS & set(_chain(node.func.value)):
            return True
        if method in {"execute", "executemany"} and node.args:
            text = ast.unparse(node.args[0]).upper()
            if any(word in text for word in SQL_WRITES) or "_INSERT" in text:
                return True
    return False


def _called_names(func: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add("." + node.func.attr)
    return names


def writers_in(source: str, module: str) -> list[Writer]:
    """The public functions of one module's source that write rows, directly or through
    the module's own private functions and its private classes' methods (followed
    transitively). Other modules' public functions are not followed: they are found in
    their own module."""
    tree = ast.parse(source)
    public = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    }
    helpers: dict[str, ast.AST] = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("_")
    }
    for cls in tree.body:
        if isinstance(cls, ast.ClassDef):
            for node in cls.body:
                private_class = cls.name.startswith("_")
                if isinstance(node, ast.FunctionDef) and (
                    private_class or node.name.startswith("_")
                ):
                    helpers["." + node.name] = node
    everything = {**public, **helpers}
    writes = {name: _writes_here(node) for name, node in everything.items()}
    calls = {name: _called_names(node) for name, node in everything.items()}

    def followed(call: str) -> str | None:
        if call in helpers:
            return call
        if call.startswith(".") and call in helpers:
            return call
        if not call.startswith(".") and call.startswith("_") and call in helpers:
            return call
        return None

    changed = True
    while changed:  # a function writes if a helper it calls does
        changed = False
        for name in everything:
            if not writes[name] and any(
                (target := followed(c)) is not None and writes[target] for c in calls[name]
            ):
                writes[name] = changed = True
    return [
        Writer(f"{module}.{name}", any(a.arg == "actor" for a in node.args.kwonlyargs), node.lineno)
        for name, node in public.items()
        if writes[name]
    ]


def _skipped(name: str) -> bool:
    parts = name.split(".")
    return "migrations" in parts or "management" in parts or parts[1:2] == ["settings"]


def discover_writers() -> list[Writer]:
    """Every public row-writing function under caseledger (migrations and management
    commands aside: commands are thin and call services)."""
    found: list[Writer] = []
    root = Path(caseledger.__path__[0])
    for path in sorted(root.rglob("*.py")):
        parts = ["caseledger", *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        if "services" in parts[:-1]:  # a services package re-exports its modules' names
            parts = parts[: parts.index("services") + 1]
        name = ".".join(parts)
        if not _skipped(name):
            found.extend(writers_in(path.read_text(encoding="utf-8"), name))
    return found


# ---- rows ---------------------------------------------------------------------------------


def _tables() -> Iterator[tuple[str, type[models.Model], str, list[str]]]:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        pk = model._meta.pk.attname
        columns = [f.attname for f in model._meta.concrete_fields]
        yield model._meta.db_table, model, pk, columns


def snapshot() -> dict[str, dict[str, dict[str, Any]]]:
    """Every row of every table: primary key -> the row's values."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    existing = set(connection.introspection.table_names())
    for table, model, pk, columns in _tables():
        if table not in existing:
            continue
        found[table] = {
            str(row[pk]): row for row in model._base_manager.values(*dict.fromkeys([pk, *columns]))
        }
    return found


def changed_rows(
    before: dict[str, dict[str, dict[str, Any]]], after: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """table -> primary key -> row (as it is now, or was if gone), for every row added,
    removed or altered between two snapshots."""
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    for table in set(before) | set(after):
        old, new = before.get(table, {}), after.get(table, {})
        rows = {
            k: new.get(k) or old[k] for k in old.keys() | new.keys() if old.get(k) != new.get(k)
        }
        if rows:
            changed[table] = rows
    return changed
