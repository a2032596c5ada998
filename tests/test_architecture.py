"""The floors hold: every import under src/caseledger, inside functions too, goes to the
importer's own floor or lower, apps never import each other round a circle, and no module
takes a `_private` name from another (caseledger/core/floors.py, docs/architecture.md).

The checker is also run on small planted trees, so this file shows that it can fail: an
upward import, a circle between two apps of one floor, a private import, an app on no floor.

Sizes too (caseledger/core/sizes.py): no module over 500 lines outside migrations and the
named data modules, no function over 60 lines whose docstring does not say why it is long;
both checks are shown failing on planted trees.

And journaling goes through the one helper (caseledger/core/journal_calls.py): no `Change(`
is built outside `journal/` and the listed batch writers; shown failing on a planted tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caseledger.core import floors, journal_calls, sizes

SRC = Path(__file__).resolve().parents[1] / "src"


def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    """A `src` folder holding `caseledger/<path>` for each file given."""
    for name, text in files.items():
        path = tmp_path / "caseledger" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def kinds(problems: list[floors.Problem]) -> set[str]:
    return {p.kind for p in problems}


def test_the_code_stands_on_its_floors():
    problems = floors.check(SRC)
    assert not problems, "floor problems:\n" + "\n".join(str(p) for p in problems)


def test_every_app_folder_is_on_a_floor():
    apps = {
        p.name
        for p in (SRC / "caseledger").iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"locale"}
    }
    assert apps <= set(floors.FLOOR_OF), sorted(apps - set(floors.FLOOR_OF))


def test_insights_has_room_between_search_and_the_interfaces():
    of = floors.FLOOR_OF
    assert of["search"] < of["insights"] < of["api"]
    assert of["workflow"] < of["insights"] < of["web"] == of["cli"]


def test_a_planted_upward_import_inside_a_function_is_reported(tmp_path):
    root = plant(
        tmp_path,
        {
            "cases/services.py": "def f():\n    from caseledger.retention.holds import held\n",
            "retention/holds.py": "held = 1\n",
        },
    )
    problems = floors.check(root)
    assert [(p.kind, p.module, p.line) for p in problems] == [
        ("upward", "caseledger.cases.services", 2)
    ]


def test_a_planted_relative_upward_import_is_reported(tmp_path):
    root = plant(tmp_path, {"core/health.py": "from ..journal import checkpoints\n"})
    assert kinds(floors.check(root)) == {"upward"}


def test_a_planted_circle_between_two_apps_of_one_floor_is_reported(tmp_path):
    root = plant(
        tmp_path,
        {
            "api/routes.py": "import caseledger.web.forms\n",
            "web/forms.py": "def f():\n    from caseledger.api import routes\n",
        },
    )
    problems = floors.check(root)
    assert [(p.kind, p.detail) for p in problems] == [("circle", "api <-> web")]


def test_a_planted_circle_through_three_apps_is_one_circle(tmp_path):
    root = plant(
        tmp_path,
        {
            "workflow/a.py": "from caseledger.search import b\n",
            "search/b.py": "from caseledger.intake import c\n",
            "intake/c.py": "from caseledger.workflow import a\n",
        },
    )
    assert [p.detail for p in floors.check(root)] == ["intake <-> search <-> workflow"]


def test_a_planted_private_import_is_reported(tmp_path):
    root = plant(
        tmp_path,
        {
            "backup/replication.py": "from caseledger.backup.restore import _probe, probe\n",
            "backup/restore.py": "def _probe(): ...\ndef probe(): ...\n",
        },
    )
    problems = floors.check(root)
    assert [(p.kind, p.detail) for p in problems] == [
        ("private", "takes _probe from caseledger.backup.restore")
    ]


def test_a_package_may_use_its_own_private_submodules_and_dunders(tmp_path):
    root = plant(
        tmp_path,
        {
            "journal/__init__.py": "from caseledger.journal import _impl\n",
            "journal/_impl.py": "",
            "journal/verify.py": "from caseledger.journal.canonical import __all__\n",
        },
    )
    assert floors.check(root) == []


def test_a_planted_private_attribute_of_an_imported_module_is_reported(tmp_path):
    root = plant(
        tmp_path,
        {
            "privacy/services.py": (
                "from caseledger.customers import services as customers\n"
                "def f(c):\n    return customers._locked(c)\n"
            ),
            "customers/services.py": "def _locked(c): ...\n",
        },
    )
    problems = floors.check(root)
    assert [(p.kind, p.line, p.detail) for p in problems] == [
        ("private", 3, "takes _locked from caseledger.customers.services")
    ]


def test_sibling_modules_of_a_package_share_its_private_modules(tmp_path):
    root = plant(
        tmp_path,
        {
            "customers/services/__init__.py": "",
            "customers/services/_common.py": "def touch(): ...\n",
            "customers/services/contacts.py": (
                "from caseledger.customers.services._common import touch\n"
            ),
        },
    )
    assert floors.check(root) == []


def test_a_planted_app_on_no_floor_is_reported(tmp_path):
    root = plant(tmp_path, {"gadgets/x.py": "from caseledger.core import clock\n"})
    assert kinds(floors.check(root)) == {"unplaced"}


@pytest.mark.parametrize(
    ("source", "target", "upward"),
    [("cases", "customers", False), ("customers", "cases", True), ("web", "api", False)],
)
def test_floor_order_decides_the_direction(tmp_path, source, target, upward):
    root = plant(tmp_path, {f"{source}/m.py": f"from caseledger.{target} import models\n"})
    assert ("upward" in kinds(floors.check(root))) is upward


def test_no_module_is_over_500_lines_outside_migrations_and_named_data():
    long = sizes.long_modules(SRC)
    assert not long, "split these by subject:\n" + "\n".join(map(str, long))


def test_every_allowed_long_module_exists_and_says_why():
    for path, reason in sizes.LONG_MODULES.items():
        assert (SRC / "caseledger" / path).is_file(), path
        assert reason.strip(), path


def test_a_planted_long_module_is_reported_but_not_a_migration_or_named_data(tmp_path):
    long = "x = 1\n" * (sizes.MODULE_LINES + 1)
    root = plant(
        tmp_path,
        {
            "cases/big.py": long,
            "cases/migrations/0001_initial.py": long,
            "demo/words.py": long,
            "cases/fits.py": "x = 1\n" * sizes.MODULE_LINES,
        },
    )
    found = sizes.long_modules(root, allowed={"demo/words.py": "word lists"})
    assert [(o.path, o.lines) for o in found] == [("cases/big.py", sizes.MODULE_LINES + 1)]


def test_no_function_is_over_60_lines_without_a_reason_in_its_docstring():
    long = sizes.long_functions(SRC)
    assert not long, (
        "split these, or say in the docstring why they are long ('Long because ...'):\n"
        + "\n".join(map(str, long))
    )


def test_a_planted_long_function_is_reported_unless_its_docstring_says_why(tmp_path):
    def function(name: str, docstring: str, lines: int, indent: str = "") -> str:
        body = f'{indent}    """{docstring}"""\n' if docstring else ""
        body += f"{indent}    x = 1\n" * (lines - 1 - bool(docstring))
        return f"{indent}def {name}(self):\n{body}\n"

    limit = sizes.FUNCTION_LINES
    source = (
        function("bare", "", limit + 1)
        + "class C:\n"
        + function("method", "Does it.", limit + 1, indent="    ")
        + function("explained", "One pass.\n\n    Long because the steps share one\n", limit + 1)
        + function("fits", "", limit)
    )
    root = plant(tmp_path, {"cases/services.py": source})
    found = sizes.long_functions(root)
    assert [(o.name, o.lines) for o in found] == [("bare", limit + 1), ("C.method", limit + 1)]


def test_no_module_builds_a_journal_change_by_hand_outside_the_listed_batch_writers():
    found = journal_calls.hand_built(SRC)
    assert not found, (
        "record these through journal.services.record_change (or, for a burst of many\n"
        "entries, list the module in core/journal_calls.BATCH_WRITERS with why):\n"
        + "\n".join(map(str, found))
    )


def test_every_batch_writer_exists_and_says_why():
    for path, reason in journal_calls.BATCH_WRITERS.items():
        assert (SRC / "caseledger" / path).is_file(), path
        assert reason.strip(), path


def test_a_planted_hand_built_change_is_reported_but_not_in_the_journal_or_a_batch_writer(
    tmp_path,
):
    change = 'Change(action="x", object_type="y", object_id="1", state=None)'
    root = plant(
        tmp_path,
        {
            "cases/services.py": (
                "from caseledger.journal.services import Change, append\n"
                f"def f(actor):\n    append(actor=actor, change={change})\n"
            ),
            "cases/aliased.py": (
                "from caseledger.journal.services import Change as C\n"
                "from caseledger.journal import services\n"
                "def f():\n    return [C(), services.Change()]\n"
            ),
            "journal/bulk.py": f"def f():\n    return {change}\n",
            "archive/writer.py": f"def f():\n    return [{change}]\n",
            "privacy/models.py": "def f():\n    return PendingChange()\n",
            "cases/records.py": "def f(c):\n    return record_change(actor=c, after=None)\n",
        },
    )
    allowed = {"archive/writer.py": "a burst", "disposition/gone.py": "no longer builds one"}
    found = journal_calls.hand_built(root, allowed=allowed)
    assert [(f.path, f.line) for f in found] == [
        ("cases/aliased.py", 4),
        ("cases/aliased.py", 4),
        ("cases/services.py", 3),
        ("disposition/gone.py", 0),
    ]
