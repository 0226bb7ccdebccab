"""The status rows (aims.DeliverablePeriodStatus): kept in the transaction of every write, equal to an independent
recomputation from the updates (status_rows_check), and added up in SQL to the same figures as row by row."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from aims import services, status_rows
from aims.models import DeliverablePeriodStatus, ProgressUpdate, ReportingPeriod, Strategy
from reports import selectors
from tests import factories

STATES = ["draft", "submitted", "accepted", "returned"]
RAGS = ["red", "amber", "green", "complete", "not_started"]


@pytest.fixture
def world(db):
    strategy = factories.StrategyFactory(start_date=dt.date(2026, 4, 1), end_date=dt.date(2028, 3, 31))
    aims = [factories.AimFactory(strategy=strategy, number=n) for n in (1, 2)]
    themes = [factories.ThemeFactory(strategy=strategy, number=n) for n in (1, 2, 3)]
    themes[0].aims.set([aims[0]])
    themes[1].aims.set(aims)
    closed = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip
    current = factories.PeriodFactory(strategy=strategy)  # October 2026 to March 2027, open
    officer = factories.UserFactory(username="officer")
    factories.MembershipFactory(user=officer, strategy=strategy, role=Role.OFFICER)
    board = factories.UserFactory(username="board")
    factories.MembershipFactory(user=board, strategy=strategy, role=Role.BOARD)
    deliverables = [
        factories.DeliverableFactory(
            strategy=strategy,
            theme=themes[i % 3],
            owner=officer,
            reference=f"D{i:02}",
            weight=Decimal(1 + i % 3),
            start_date=dt.date(2026, 4, 1) if i % 4 else dt.date(2026, 11, 1),
            due_date=dt.date(2026, 12, 1 + i),
        )  # fmt: skip
        for i in range(8)
    ]
    return strategy, [closed, current], deliverables, officer, board


def _answers(rng, rag):
    percent = 100 if rag == "complete" else rng.choice([0, 10, 35, 60, 90])
    corrective = "Fix." if rag == "red" else ""
    return services.ProgressAnswers(
        rag_status=rag, percent_complete=percent, achieved="Did things.", corrective_action=corrective
    )


def _step(rng, world):
    """One write, through a service or (for the closed period and the tree) a plain save the safety net marks."""
    strategy, (closed, current), deliverables, officer, board = world
    d = rng.choice(deliverables)
    d.refresh_from_db()
    kind = rng.choice(["save", "save", "submit", "review", "closed", "withdraw", "weight", "delete"])
    update = ProgressUpdate.objects.filter(deliverable=d, period=current).first()
    if kind in ("save", "submit") and d.is_active and (update is None or update.is_editable):
        update = update or services.progress_update_start(deliverable=d, period=current, user=officer)
        services.progress_update_save(
            update=update, answers=_answers(rng, rng.choice(RAGS)), user=officer,
            expected_version=update.version, submit=kind == "submit",
        )  # fmt: skip
    elif kind == "review" and update is not None and update.state == "submitted":
        services.progress_update_review(update=update, user=board, accept=rng.random() < 0.7, comment="Say more.")
    elif kind == "closed":
        rag = rng.choice(RAGS)
        ProgressUpdate.objects.filter(deliverable=d, period=closed).delete()
        factories.ProgressUpdateFactory(
            deliverable=d, period=closed, rag_status=rag, percent_complete=100 if rag == "complete" else 50,
            state=rng.choice(STATES), corrective_action="Fix." if rag == "red" else "",
        )  # fmt: skip
    elif kind == "withdraw":
        d.is_active = not d.is_active
        d.save()
    elif kind == "weight":
        d.weight, d.theme = Decimal(rng.choice(["0.5", "1", "3"])), rng.choice(list(strategy.themes.all()))
        d.save()
    elif kind == "delete" and update is not None:
        update.delete()


def _same_figures(strategy, period, include):
    figures = selectors.period_figures(strategy=strategy, period=period, include_submitted=include)
    totals = selectors.period_totals(strategy=strategy, period=period, include_submitted=include)
    groups = zip(figures.by_aim + figures.by_theme, totals.by_aim + totals.by_theme, strict=True)
    for computed, added in [(figures.summary, totals.summary)] + [(f, t) for (_, f), (_, t) in groups]:
        assert (computed.counts, computed.total, computed.overdue, computed.directions) == (
            added.counts, added.total, added.overdue, added.directions,
        )  # fmt: skip
        assert computed.percent_complete == added.percent_complete
    assert figures.awaiting_review == totals.awaiting_review
    assert [r.deliverable.pk for r in figures.exceptions] == [r.deliverable.pk for r in totals.exceptions]


def test_after_a_random_sequence_of_writes_every_row_agrees_with_the_updates(world):
    rng = random.Random(19)
    strategy, periods = world[0], world[1]
    for step in range(80):
        _step(rng, world)
        if step % 10 == 9:
            assert [str(d) for d in status_rows.check()] == []
            for period in periods:
                for include in (False, True):
                    _same_figures(strategy, period, include)
    # A period added later (here by a plain save, which the safety net marks) gets its rows at once.
    factories.PeriodFactory(
        strategy=strategy, label="April to September 2027", start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2027, 9, 30), deadline=dt.date(2027, 9, 30), status=ReportingPeriod.Status.UPCOMING,
    )  # fmt: skip
    assert DeliverablePeriodStatus.objects.filter(strategy=strategy).count() == 8 * 3 * 2
    assert [str(d) for d in status_rows.check()] == []
    call_command("status_rows_check")


def test_the_check_finds_a_wrong_or_missing_row_and_fix_repairs_it(world):
    strategy, (closed, current), deliverables, officer, board = world
    factories.ProgressUpdateFactory(deliverable=deliverables[0], period=closed, state="accepted", percent_complete=40)
    DeliverablePeriodStatus.objects.filter(deliverable=deliverables[0], period=current).update(percent=7)
    DeliverablePeriodStatus.objects.filter(deliverable=deliverables[1]).delete()
    differences = status_rows.check()
    assert {(d.key[0], d.column) for d in differences} == {
        (deliverables[0].pk, "percent"), (deliverables[1].pk, "(missing)"),
    }  # fmt: skip
    with pytest.raises(CommandError, match="6 differences"):  # 2 wrong percents, 4 missing rows
        call_command("status_rows_check")
    call_command("status_rows_check", "--fix")
    assert status_rows.check() == []


def test_rows_carry_forward_and_say_awaiting_review(world):
    strategy, (closed, current), deliverables, officer, board = world
    d = deliverables[1]
    factories.ProgressUpdateFactory(
        deliverable=d, period=closed, state="accepted", rag_status="green", percent_complete=40
    )
    factories.ProgressUpdateFactory(
        deliverable=d, period=current, state="submitted", rag_status="red", percent_complete=50, corrective_action="X"
    )
    accepted_only = DeliverablePeriodStatus.objects.get(deliverable=d, period=current, include_submitted=False)
    assert (accepted_only.status, accepted_only.percent, accepted_only.carried_from) == (
        "awaiting_review", 40, "April to September 2026",
    )  # fmt: skip
    with_submitted = DeliverablePeriodStatus.objects.get(deliverable=d, period=current, include_submitted=True)
    assert (with_submitted.status, with_submitted.percent, with_submitted.carried_from, with_submitted.direction) == (
        "red", 50, "", "worse",
    )  # fmt: skip


def _strategy_writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "aims_strategy"')]


def _status_writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "INSERT INTO aims_deliverableperiodstatus" in q["sql"]]


def test_a_draft_saved_again_leaves_the_strategy_row_and_the_status_rows_alone(world):
    strategy, (closed, current), deliverables, officer, board = world
    d = deliverables[1]
    update = services.progress_update_start(deliverable=d, period=current, user=officer)
    answers = services.ProgressAnswers(rag_status="green", percent_complete=10, achieved="Started.")
    with CaptureQueriesContext(connection) as first:
        update = services.progress_update_save(
            update=update, answers=answers, user=officer, expected_version=0, submit=False
        )
    assert len(_strategy_writes(first)) == 1  # a new draft: the chase list now says "Draft"
    version = Strategy.objects.get(pk=strategy.pk).data_version
    for rag, percent in (("green", 10), ("amber", 30)):  # the same answers, then changed ones: still a draft
        answers = services.ProgressAnswers(rag_status=rag, percent_complete=percent, achieved="Started.")
        with CaptureQueriesContext(connection) as again:
            update = services.progress_update_save(
                update=update, answers=answers, user=officer, expected_version=update.version, submit=False
            )
        assert _strategy_writes(again) == []
        assert _status_writes(again) == []
        assert Strategy.objects.get(pk=strategy.pk).data_version == version
    with CaptureQueriesContext(connection) as submitted:
        services.progress_update_save(
            update=update, answers=answers, user=officer, expected_version=update.version, submit=True
        )
    assert len(_strategy_writes(submitted)) == 1  # once, however many rows the save wrote
    assert len(_status_writes(submitted)) == 1
    assert Strategy.objects.get(pk=strategy.pk).data_version == version + 1
    assert status_rows.check() == []
