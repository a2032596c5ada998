"""The case taxonomy and the process steps' rules as the database holds them (templates as
data, issue 12): categories and subcategories, sales objection types, and what each status
move needs. Every reader of categories comes here; the records are written only by
`cases.services.taxonomy`. A fresh database (no records yet) reads the built-in default
(`taxonomy_defaults`), which the first edit writes as records.

Labels are lazy strings: each shows in the reader's language (Chinese for zh-*, else
English). The records are read once and kept for a few seconds (`TTL`); every write in this
process drops the copy at once, other processes see it within the TTL.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import lazy

TTL = 5.0


def _pick(en: str, zh: str) -> str:
    language = translation.get_language() or ""
    return (zh or en) if language.lower().startswith("zh") else (en or zh)


label_of = lazy(_pick, str)


@dataclass(frozen=True)
class Node:
    pk: int | None
    scheme: str
    code: str
    parent: str  # the category's code for a subcategory, "" for a category
    label_en: str
    label_zh: str
    industry: str
    position: int
    is_active: bool
    version: int = 1

    @property
    def label(self) -> Any:
        return label_of(self.label_en, self.label_zh)


@dataclass(frozen=True)
class StepNeeds:
    """What a move into `status` needs in a department: the default rule joined with those
    of the industries the department adopted."""

    status: str
    fields: tuple[str, ...] = ()
    reason_required: bool = False
    approval_severities: tuple[str, ...] = ()
    within_minutes: int | None = None
    message_en: str = ""
    message_zh: str = ""
    sources: tuple[str, ...] = ()


@dataclass
class Snapshot:
    nodes: list[Node] = field(default_factory=list)
    adoptions: dict[int, set[str]] = field(default_factory=dict)
    rules: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    stored: bool = False  # False: the built-in default, nothing written yet
    # Answers computed from this snapshot and asked per row by an import (codes only, no
    # labels); they go when the snapshot is reloaded.
    memo: dict[Any, Any] = field(default_factory=dict)


_cache: tuple[float, Snapshot] | None = None


def invalidate() -> None:
    global _cache
    _cache = None


def default_nodes() -> list[Node]:
    """The built-in default as nodes, labels in both languages."""
    from caseledger.cases.taxonomy_defaults import CATEGORIES, OBJECTION_TYPES

    def both(label: object) -> tuple[str, str]:
        with translation.override("en"):
            en = str(label)
        with translation.override("zh-hans"):
            zh = str(label)
        return en, zh

    nodes: list[Node] = []
    for scheme, tree in (("complaint", CATEGORIES), ("objection", OBJECTION_TYPES)):
        for code, (label, subs) in tree.items():
            nodes.append(Node(None, scheme, code, "", *both(label), "", len(nodes), True))
            for sub, sub_label in subs.items():
                nodes.append(Node(None, scheme, sub, code, *both(sub_label), "", len(nodes), True))
    return nodes


def _load() -> Snapshot:
    from caseledger.cases.models import Category, IndustryAdoption, StepRule
    from caseledger.cases.taxonomy_defaults import STEP_RULES

    snap = Snapshot()
    rows = list(Category.objects.select_related("parent").order_by("position", "id"))
    if rows:
        snap.stored = True
        snap.nodes = [
            Node(
                r.pk,
                r.scheme,
                r.code,
                r.parent.code if r.parent else "",
                r.label_en,
                r.label_zh,
                r.industry,
                r.position,
                r.is_active,
                r.version,
            )
            for r in rows
        ]
    else:
        snap.nodes = default_nodes()
    for adoption in IndustryAdoption.objects.all():
        snap.adoptions.setdefault(adoption.department_id, set()).add(adoption.industry)
    rules = list(StepRule.objects.all())
    if rules:
        snap.stored = True
    for rule in rules:
        snap.rules[(rule.industry, rule.status)] = {
            "fields": rule.fields, "reason_required": rule.reason_required,
            "approval_severities": rule.approval_severities,
            "within_minutes": rule.within_minutes, "message_en": rule.message_en,
            "message_zh": rule.message_zh, "legal_source": rule.legal_source,
        }  # fmt: skip
    if not rules:
        for status, default in STEP_RULES.items():
            snap.rules[("", status)] = dict(default)
    return snap


def snapshot() -> Snapshot:
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > TTL:
        _cache = (now, _load())
    return _cache[1]


def industries_of(department_id: int | None) -> set[str]:
    """The industries whose entries a department sees ("" the default; None: every one)."""
    snap = snapshot()
    if department_id is None:
        return {""} | {n.industry for n in snap.nodes} | {i for i, _ in snap.rules}
    return {""} | snap.adoptions.get(department_id, set())


def nodes(
    department_id: int | None = None, *, scheme: str | None = None, active_only: bool = True
) -> list[Node]:
    wanted = industries_of(department_id)
    return [
        n
        for n in snapshot().nodes
        if n.industry in wanted
        and (scheme is None or n.scheme == scheme)
        and (n.is_active or not active_only)
    ]


def categories(
    department_id: int | None = None, *, scheme: str | None = None, active_only: bool = True
) -> dict[str, tuple[Any, dict[str, Any]]]:
    """category code -> (label, {subcategory code: label}), in the administrator's order."""
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    chosen = nodes(department_id, scheme=scheme, active_only=active_only)
    for n in chosen:
        if not n.parent:
            out[n.code] = (n.label, {})
    for n in chosen:
        if n.parent in out:
            out[n.parent][1][n.code] = n.label
    return out


def category_choices(
    department_id: int | None = None, *, scheme: str | None = None
) -> list[tuple[str, Any]]:
    entries = categories(department_id, scheme=scheme)
    return [(code, label) for code, (label, _subs) in entries.items()]


def grouped_choices(department_id: int | None = None) -> list[tuple[Any, list]]:
    """Choices grouped by scheme: the complaint categories, then the objection types."""
    from caseledger.cases.models import Scheme

    groups = []
    for scheme in Scheme:
        entries = categories(department_id, scheme=scheme.value)
        if entries:
            groups.append((scheme.label, [(c, lab) for c, (lab, _s) in entries.items()]))
    return groups


def subcategories(category: str, department_id: int | None = None) -> dict[str, Any]:
    return categories(department_id).get(category, ("", {}))[1]


def category_codes(department_id: int | None = None, *, active_only: bool = True) -> list[str]:
    """The codes `categories()` would list, without building their labels, once per taxonomy
    snapshot: every new case and every imported row checks its category (docs/benchmarks.md,
    "case_create after issue 12")."""
    memo = snapshot().memo
    key = ("category_codes", department_id, active_only)
    if key not in memo:
        chosen = nodes(department_id, active_only=active_only)
        memo[key] = tuple(dict.fromkeys(n.code for n in chosen if not n.parent))
    return list(memo[key])


def subcategory_codes(category: str) -> tuple[str, ...]:
    """The subcategory codes of a category in any industry, deactivated ones too, in the
    administrator's order: the keys of `categories(active_only=False)[category][1]`."""
    memo = snapshot().memo
    if "subcategory_codes" not in memo:
        found: dict[str, list[str]] = {}
        for code in categories(active_only=False):
            found[code] = []
        for n in nodes(None, active_only=False):
            if n.parent in found:
                found[n.parent].append(n.code)
        memo["subcategory_codes"] = {
            code: tuple(dict.fromkeys(subs)) for code, subs in found.items()
        }
    return memo["subcategory_codes"].get(category, ())


def category_label(code: str) -> Any:
    """The label of any category, deactivated ones too (old cases keep them); the code
    itself when nothing is known."""
    for n in snapshot().nodes:
        if not n.parent and n.code == code:
            return n.label
    return code


def subcategory_label(category: str, code: str) -> Any:
    for n in snapshot().nodes:
        if n.parent == category and n.code == code:
            return n.label
    return code


def known_category(code: str) -> bool:
    return any(not n.parent and n.code == code for n in snapshot().nodes)


def step_needs(department_id: int | None, status: str) -> StepNeeds:
    """The default rule for `status` joined with the department's adopted industries'."""
    rules = snapshot().rules
    found = [
        (industry, rules[(industry, status)])
        for industry in sorted(industries_of(department_id))
        if (industry, status) in rules
    ]
    if not found:
        return StepNeeds(status)
    minutes = [r["within_minutes"] for _i, r in found if r.get("within_minutes")]
    specific = [r for i, r in found if i] or [found[0][1]]
    message: dict[str, Any] = next(
        (r for r in reversed(specific) if r.get("message_en") or r.get("message_zh")), {}
    )
    return StepNeeds(
        status,
        fields=_union(r.get("fields", ()) for _i, r in found),
        reason_required=any(r.get("reason_required") for _i, r in found),
        approval_severities=_union(r.get("approval_severities", ()) for _i, r in found),
        within_minutes=min(minutes) if minutes else None,
        message_en=message.get("message_en", ""),
        message_zh=message.get("message_zh", ""),
        sources=tuple(r["legal_source"] for _i, r in found if r.get("legal_source")),
    )


def _union(lists: Iterable[Iterable[str]]) -> tuple[str, ...]:
    out: list[str] = []
    for values in lists:
        out += [v for v in values if v not in out]
    return tuple(out)
