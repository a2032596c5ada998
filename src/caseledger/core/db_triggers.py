"""A set of database triggers that guard a table (the journal's append-only ones, the
certificates of disposition kept forever): the statements that create and drop them on each
engine, and running them on a connection. Each guarded module keeps its own statements and
exposes `create_statements`, `drop_statements`, `install` and `remove` from one of these."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Triggers:
    create: Mapping[str, Sequence[str]]  # vendor ("sqlite", "postgresql") -> statements
    drop: Mapping[str, Sequence[str]]

    @classmethod
    def of(
        cls,
        sqlite_create: Sequence[str],
        sqlite_drop: Sequence[str],
        postgres_create: Sequence[str],
        postgres_drop: Sequence[str],
    ) -> Triggers:
        return cls(
            create={"sqlite": sqlite_create, "postgresql": postgres_create},
            drop={"sqlite": sqlite_drop, "postgresql": postgres_drop},
        )

    def functions(
        self,
    ) -> tuple[
        Callable[[str], list[str]],
        Callable[[str], list[str]],
        Callable[[Any], None],
        Callable[[Any], None],
    ]:
        """The module-level names a guarded module exposes (and its migrations call):
        `create_statements, drop_statements, install, remove`."""
        return self.create_statements, self.drop_statements, self.install, self.remove

    def create_statements(self, vendor: str) -> list[str]:
        return list(self.create.get(vendor, []))

    def drop_statements(self, vendor: str) -> list[str]:
        return list(self.drop.get(vendor, []))

    def install(self, connection: Any) -> None:
        self._run(connection, self.create_statements(connection.vendor))

    def remove(self, connection: Any) -> None:
        self._run(connection, self.drop_statements(connection.vendor))

    @staticmethod
    def _run(connection: Any, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
