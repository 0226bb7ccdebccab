"""Freshness marks: a write says what it changed, and the data versions that key cached pages (core/page_cache.py)
rise once, just before its transaction commits.

    @freshness.atomic                      # in place of @transaction.atomic
    def progress_update_save(...):
        ...
        freshness.mark(strategies=[deliverable.strategy_id], deliverables=[deliverable.pk])

Inside `freshness.atomic` marks are only collected (per thread or task, in a context variable); when the
outermost `freshness.atomic` block exits without an error they are written, inside its transaction, so a reader
never sees the new data with an old version, nor the other way round. Nested blocks join the outer batch: a
service calling another still writes once. However many rows a transaction touched, the write is at most one
UPDATE per table, always in the same order (strategies, deliverables, people), so two writers never wait on
each other's rows in opposite orders, and the hot strategy row is locked only for the last moments of the
transaction instead of from the first change. Marks made outside `freshness.atomic` (no transaction, or a
plain `transaction.atomic`) are written at once, in whatever transaction is current.

Kinds of mark (ids; `None` is ignored):
- strategies: the strategy's version (its dashboard, the figures of its officers' homes).
- deliverables: the deliverable's version (its page), its strategy's, and the homes of its owner and
  contributors as they stand when the marks are written; its figures kept per period are recomputed.
- deliverable_pages: only the deliverable's own page and its people's homes, for a change nothing its strategy's
  pages show (a draft saved again, evidence added to one): the strategy's dashboard is not evicted.
- people: those people's homes (a previous owner, a removed contributor, a person whose roles changed).
- strategy_wide: something every page of the strategy shows (aims, themes, periods, principles, its title): the
  strategy, all its deliverables and everyone with a role or work in it.
- periods: the strategy's reporting periods changed (added, removed, moved, renamed): besides strategy_wide,
  the figures kept per deliverable and period are recomputed for the whole strategy.
- renamed: people whose name changed; names appear in bodies of every kind, so every strategy is strategy-wide.
- organisations: a council changed; its strategies are strategy-wide and the council-name memo is forgotten.

What the kinds mean in rows is not core's business (core imports no other app): the delivery tree registers
the one writer that turns marks into UPDATEs (`register_writer`, from aims' ready(); see aims/data_versions.py).
A registry rather than `apps.get_model` here, so that core holds only the mechanism (collecting per
transaction, writing once before commit) and the knowledge of which rows a mark raises stays with the models it
is about, where the safety net and the tests can use it too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field, fields

from django.db import transaction


@dataclass
class Marks:
    strategies: set[int] = field(default_factory=set)
    deliverables: set[int] = field(default_factory=set)
    deliverable_pages: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    strategy_wide: set[int] = field(default_factory=set)
    periods: set[int] = field(default_factory=set)
    renamed: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)

    def add(self, **kinds: Iterable[int | None]) -> None:
        for kind, ids in kinds.items():
            getattr(self, kind).update(pk for pk in ids if pk is not None)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


Writer = Callable[[Marks], None]
_writer: Writer | None = None
_batch: ContextVar[Marks | None] = ContextVar("freshness_batch", default=None)


def register_writer(writer: Writer) -> None:
    """Set the function that writes a batch of marks (one UPDATE per table, in the fixed lock order)."""
    global _writer
    _writer = writer


def mark(
    *,
    strategies: Iterable[int | None] = (),
    deliverables: Iterable[int | None] = (),
    deliverable_pages: Iterable[int | None] = (),
    people: Iterable[int | None] = (),
    strategy_wide: Iterable[int | None] = (),
    periods: Iterable[int | None] = (),
    renamed: Iterable[int | None] = (),
    organisations: Iterable[int | None] = (),
) -> None:
    """Say what changed (see the module docstring for the kinds). Collected until the outermost
    `freshness.atomic` block commits; outside one, written at once."""
    batch = _batch.get()
    marks = batch if batch is not None else Marks()
    marks.add(
        strategies=strategies, deliverables=deliverables, deliverable_pages=deliverable_pages, people=people,
        strategy_wide=strategy_wide, periods=periods, renamed=renamed, organisations=organisations,
    )  # fmt: skip
    if batch is None:
        _write(marks)


def _write(marks: Marks) -> None:
    if not marks:
        return
    if _writer is None:  # never silently: a mark lost is a cached page that stays old
        raise RuntimeError("No freshness writer is registered (aims registers it when the apps are ready).")
    _writer(marks)


@contextlib.contextmanager
def _batched(savepoint: bool, durable: bool):
    with transaction.atomic(savepoint=savepoint, durable=durable):
        if _batch.get() is not None:  # inside another freshness.atomic block: its batch takes these marks
            yield
            return
        marks = Marks()
        token = _batch.set(marks)
        try:
            yield
        finally:
            _batch.reset(token)
        # Reached only when the block raised nothing; still inside the transaction, just before it commits.
        _write(marks)


def atomic(func: Callable | None = None, *, savepoint: bool = True, durable: bool = False):
    """`transaction.atomic` (default database) that also batches the freshness marks made inside it: as a
    decorator (`@freshness.atomic`, `@freshness.atomic(durable=True)`) or a context manager."""
    if callable(func):
        return _batched(savepoint, durable)(func)
    return _batched(savepoint, durable)


def pending() -> Marks | None:
    """The marks collected so far by the current batch, if one is open (for tests and assertions)."""
    return _batch.get()


class MarksAdmin:
    """ModelAdmin mixin: every save or delete made through this admin marks what it changed.

    `saved_marks(obj, stored)` gives the marks of a row just saved, `stored` being the row as it was before (None
    for a new row), so a previous owner, strategy or name is marked too; `deleted_marks(obj)` those of a row about
    to be deleted, read while it is still there. Rows edited inline belong to the row the page edits, whose marks
    cover them. The admin site runs each POST in `freshness.atomic` (strategy_portal/admin.py), so however many
    rows a page saves, the versions are raised once.
    """

    def saved_marks(self, obj, stored) -> dict:
        raise NotImplementedError

    def deleted_marks(self, obj) -> dict:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        mark(**self.saved_marks(obj, stored))

    def delete_model(self, request, obj):
        kinds = self.deleted_marks(obj)
        super().delete_model(request, obj)
        mark(**kinds)

    def delete_queryset(self, request, queryset):
        kinds = [self.deleted_marks(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        for each in kinds:
            mark(**each)
