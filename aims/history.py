"""'Changes to this strategy': every change to a strategy's structure, periods and roles, newest first, from the
simple-history tables, with who made it, when, and each changed field's value before and after in plain words.

The changes of nine tables are merged into one list that a Paginator pages through (`ChangeFeed`): for a page,
each table gives its newest rows up to the end of that page, and only the rows shown are then described, with
their previous versions, their many-to-many snapshots and the names they refer to read in one query per table.
The number of queries depends on the number of tables, never on the number of changes.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q

from accounts.models import Membership, Role, User
from aims.models import Aim, Deliverable, Milestone, Organisation, ReportingPeriod, Strategy, Theme
from core import wording
from principles.models import DeliverablePrinciple, Principle

NOT_SHOWN = {"id", "strategy", "data_version", "version"}  # keys and counters, never a change a person made
ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}
ROLE_WORDS = {Role.LEAD: "Strategy lead", Role.BOARD: "Board member", Role.OFFICER: "Officer",
              Role.CLERK: "Committee clerk"}  # fmt: skip


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Change:
    when: dt.datetime
    who: str
    action: str  # Added, Changed, Removed
    what: str  # the thing changed, in the council's words: "Deliverable CE-07: Chatbot pilot"
    fields: list[FieldChange] = field(default_factory=list)
    note: str = ""  # the change reason, when the writer gave one (linked strategies, progress entered on behalf)


def _sources(strategy: Strategy) -> list[tuple[type[models.Model], Q]]:
    """Each tracked model and the filter on its history table that picks this strategy's rows."""
    in_strategy = Q(strategy_id=strategy.pk)
    deliverables = Q(deliverable_id__in=Deliverable.objects.filter(strategy=strategy).values("pk"))
    return [
        (Strategy, Q(id=strategy.pk)),
        (Aim, in_strategy),
        (Principle, in_strategy),
        (Theme, in_strategy),
        (Deliverable, in_strategy),
        (Milestone, deliverables),
        (DeliverablePrinciple, deliverables),
        (ReportingPeriod, in_strategy),
        (Membership, in_strategy),
    ]


class ChangeFeed:
    """The strategy's changes, newest first, as a sequence a Paginator can count and slice."""

    def __init__(self, strategy: Strategy):
        self.strategy = strategy
        self.sources = _sources(strategy)
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(model.history.filter(q).count() for model, q in self.sources)
        return self._count

    def count(self) -> int:
        return len(self)

    def __getitem__(self, page: slice) -> list[Change]:
        start, stop = page.start or 0, page.stop
        streams = []
        for model, q in self.sources:
            rows = model.history.filter(q).select_related("history_user").order_by("-history_date", "-history_id")
            streams.append([(row.history_date, model._meta.label, row.history_id, model, row) for row in rows[:stop]])
        merged = heapq.merge(*streams, key=lambda item: (item[0], item[1], item[2]), reverse=True)
        chosen = [(model, row) for _, _, _, model, row in list(merged)[start:stop]]
        return _describe(self.strategy, chosen)


def strategy_changes(*, strategy: Strategy) -> ChangeFeed:
    """Every change to the strategy, its aims, principles, themes, deliverables, milestones, principle links,
    reporting periods and roles, newest first: hand it to a Paginator."""
    return ChangeFeed(strategy)


def _previous_rows(chosen) -> dict[tuple[str, int], Any]:
    """The version before each changed row shown: one query per table with a change on the page."""
    wanted: dict[type[models.Model], list] = defaultdict(list)
    for model, row in chosen:
        if row.history_type == "~":
            wanted[model].append(row)
    previous = {}
    for model, rows in wanted.items():
        ids = {row.id for row in rows}
        latest = max(row.history_date for row in rows)
        older = model.history.filter(id__in=ids, history_date__lte=latest).order_by("id", "history_date", "history_id")
        by_object = defaultdict(list)
        for old in older:
            by_object[old.id].append(old)
        for row in rows:
            versions = by_object[row.id]
            index = next((i for i, v in enumerate(versions) if v.history_id == row.history_id), None)
            if index:
                previous[(model._meta.label, row.history_id)] = versions[index - 1]
    return previous


def _m2m_snapshots(chosen, previous) -> dict[tuple[str, str, int], frozenset]:
    """(model, field, history id) -> the ids the many-to-many field held in that version."""
    rows_by_model = defaultdict(list)
    for model, row in chosen:
        if row.history_type == "~":
            rows_by_model[model] += [row, previous.get((model._meta.label, row.history_id))]
    snapshots: dict[tuple[str, str, int], set] = defaultdict(set)
    for model, rows in rows_by_model.items():
        history_ids = [r.history_id for r in rows if r is not None]
        for m2m in getattr(model.history.model, "_history_m2m_fields", []):
            through = model.history.model._meta.get_field(f"{model.history.model.__name__.lower()}_{m2m.name}")
            target = m2m.related_model._meta.model_name
            target = "user" if m2m.related_model is User else target
            for history_id, value in through.related_model.objects.filter(history_id__in=history_ids).values_list(
                "history_id", f"{target}_id"
            ):
                snapshots[(model._meta.label, m2m.name, history_id)].add(value)
            for history_id in history_ids:
                snapshots.setdefault((model._meta.label, m2m.name, history_id), set())
    return {key: frozenset(value) for key, value in snapshots.items()}


class Names:
    """The names of the people, themes, aims, principles and deliverables the page refers to, read in one query
    per kind."""

    KINDS = {"user": User, "owner": User, "theme": Theme, "aims": Aim, "contributors": User, "deliverable": Deliverable,
             "principle": Principle, "organisation": Organisation}  # fmt: skip

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], Any], str] = {}

    def want(self, kind: str, value) -> None:
        if kind in self.KINDS and value is not None:
            self.wanted[self.KINDS[kind]].update(value if isinstance(value, frozenset) else {value})

    def load(self) -> None:
        for model, ids in self.wanted.items():
            for obj in model.objects.filter(pk__in=ids):
                self.names[(model, obj.pk)] = self._name(obj)

    @staticmethod
    def _name(obj) -> str:
        if isinstance(obj, User):
            return obj.display_name
        if isinstance(obj, Deliverable):
            return obj.reference
        if isinstance(obj, Organisation):
            return obj.name
        return f"{obj.number}. {obj.title}"

    def of(self, kind: str, value) -> str:
        if isinstance(value, frozenset):
            names = sorted(self.of(kind, v) for v in value)
            return ", ".join(names) if names else "none"
        return self.names.get((self.KINDS[kind], value), "something since removed")


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in NOT_SHOWN and f.editable]


def _show(model_field: models.Field, value, names: Names) -> str:
    if value is None or value == "":
        return "blank"
    if model_field.is_relation:
        return names.of(model_field.name, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return wording.govuk_date(value)
    text = str(value)
    return f"“{text[:197]}…”" if len(text) > 200 else f"“{text}”"


def _what(strategy: Strategy, model, row, names: Names) -> str:
    if model is Strategy:
        return f"Strategy {row.title}"
    if model is Aim:
        return f"{strategy.aim_label} {row.number}: {row.title}"
    if model is Theme:
        return f"{strategy.theme_label} {row.number}: {row.title}"
    if model is Principle:
        return f"Principle {row.number}: {row.title}"
    if model is Deliverable:
        return f"Deliverable {row.reference}: {row.title}"
    if model is Milestone:
        return f"Milestone “{row.title}” of {names.of('deliverable', row.deliverable_id)}"
    if model is DeliverablePrinciple:
        deliverable, principle = names.of("deliverable", row.deliverable_id), names.of("principle", row.principle_id)
        return f"{deliverable} upholds principle {principle}"
    if model is ReportingPeriod:
        return f"Reporting period {row.label}"
    return f"{ROLE_WORDS.get(row.role, row.role)} role of {names.of('user', row.user_id)}"


def _differences(model, row, before, snapshots, names: Names) -> list[FieldChange]:
    changes = []
    for model_field in _fields(model):
        old, new = getattr(before, model_field.attname), getattr(row, model_field.attname)
        if old != new:
            label = str(model_field.verbose_name)
            changes.append(FieldChange(label[:1].upper() + label[1:], _show(model_field, old, names),
                                       _show(model_field, new, names)))  # fmt: skip
    for m2m in getattr(model.history.model, "_history_m2m_fields", []):
        old = snapshots.get((model._meta.label, m2m.name, before.history_id), frozenset())
        new = snapshots.get((model._meta.label, m2m.name, row.history_id), frozenset())
        if old != new:
            label = str(m2m.verbose_name)
            changes.append(FieldChange(label[:1].upper() + label[1:], names.of(m2m.name, old), names.of(m2m.name, new)))
    return changes


def _want_names(chosen, previous, snapshots, names: Names) -> None:
    for model, row in chosen:
        for version in (row, previous.get((model._meta.label, row.history_id))):
            if version is None:
                continue
            for model_field in _fields(model):
                if model_field.is_relation:
                    names.want(model_field.name, getattr(version, model_field.attname))
    for (_label, name, _history_id), ids in snapshots.items():
        names.want(name, ids)


def _describe(strategy: Strategy, chosen) -> list[Change]:
    previous = _previous_rows(chosen)
    snapshots = _m2m_snapshots(chosen, previous)
    names = Names()
    _want_names(chosen, previous, snapshots, names)
    names.load()
    changes = []
    for model, row in chosen:
        before = previous.get((model._meta.label, row.history_id))
        fields_changed = _differences(model, row, before, snapshots, names) if before is not None else []
        who = row.history_user.display_name if row.history_user else "The portal"
        action = ACTIONS.get(row.history_type, "Changed")
        changes.append(Change(row.history_date, who, action, _what(strategy, model, row, names), fields_changed,
                              row.history_change_reason or ""))  # fmt: skip
    return changes
