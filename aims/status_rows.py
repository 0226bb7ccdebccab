"""The status rows (`DeliverablePeriodStatus`): each deliverable's figures for each reporting period, under both
ways of counting updates (accepted only; accepted and submitted), kept in the database so that the dashboard
aggregates them in SQL instead of computing them from every update on every read.

- `refresh(deliverables=..., strategies=...)` recomputes the rows of those deliverables (and of every deliverable
  of those strategies) in one INSERT ... ON CONFLICT in SQL, writing only rows that differ. The freshness writer
  (aims/data_versions.py) calls it in the transaction of every write, just before it commits: for each
  deliverable whose progress or row changed (the `deliverables` mark) and each strategy whose periods changed
  (the `periods` mark). So every write path that marks what it changed keeps the rows current, in the same
  transaction: the services, the import, the hand-over, the admin, and the signals' safety net.
- `expected_rows` computes the same rows in Python, independently, from the updates as the definitions in
  reports/selectors.py state them; `check` compares them with the stored rows (`manage.py status_rows_check`).

A row depends only on the deliverable's updates and on its strategy's periods (their order and labels). What is
read with the deliverable instead (in scope: active and started by the period's end; overdue; weight; theme; aims)
changes no row, so withdrawing a deliverable or changing its weight or theme writes none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections

from aims import rag
from aims.models import Deliverable, DeliverablePeriodStatus, ProgressUpdate, ReportingPeriod, Strategy

RANK = {status.key: status.rank for status in rag.RAG_TABLE if status.rank is not None}
COLUMNS = (
    "status", "rag", "reported_percent", "percent", "carried_from", "update_state", "previous_rag", "direction",
    "last_update_at",
)  # fmt: skip


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{key}' THEN {rank}" for key, rank in RANK.items())
    return f"(CASE {column} {whens} END)"


_DIRECTION = (
    f"CASE WHEN {_rank_sql('previous_rag')} IS NULL OR {_rank_sql('rag')} IS NULL THEN '' "
    f"WHEN {_rank_sql('rag')} > {_rank_sql('previous_rag')} THEN 'better' "
    f"WHEN {_rank_sql('rag')} < {_rank_sql('previous_rag')} THEN 'worse' ELSE 'same' END"
)

# For each deliverable chosen, each period of its strategy and each way of counting: this period's update (any
# state), whether it is counted, the previous period's counted RAG (lag), whether an earlier counted update said
# complete, and the latest counted update so far: `grp` numbers the counted updates in period order, so the first
# row of each group is the counted one whose percent, period label and time later periods carry forward.
_REFRESH = f"""
WITH chosen AS (
    SELECT id, strategy_id FROM aims_deliverable
    WHERE id IN ({{deliverables}}) OR strategy_id IN ({{strategies}})
), grid AS (
    SELECT chosen.id AS deliverable_id, chosen.strategy_id, p.id AS period_id, p.start_date, p.label, m.inc,
           u.state, u.rag_status, u.percent_complete, u.submitted_at,
           COALESCE(u.state = 'accepted' OR (m.inc AND u.state = 'submitted'), false) AS counted
    FROM chosen
    JOIN aims_reportingperiod p ON p.strategy_id = chosen.strategy_id
    CROSS JOIN (SELECT false AS inc UNION ALL SELECT true) AS m
    LEFT JOIN aims_progressupdate u ON u.deliverable_id = chosen.id AND u.period_id = p.id
), runs AS (
    SELECT grid.*,
           CASE WHEN counted THEN rag_status END AS rag,
           CASE WHEN counted THEN percent_complete END AS reported,
           sum(CASE WHEN counted THEN 1 ELSE 0 END) OVER run AS grp,
           lag(CASE WHEN counted THEN rag_status END) OVER run AS previous_rag,
           COALESCE(max(CASE WHEN counted AND rag_status = 'complete' THEN 1 ELSE 0 END) OVER before, 0) = 1
               AS earlier_complete
    FROM grid
    WINDOW run AS (PARTITION BY deliverable_id, inc ORDER BY start_date),
           before AS (PARTITION BY deliverable_id, inc ORDER BY start_date
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), carried AS (
    SELECT runs.*,
           first_value(reported) OVER grp_run AS last_percent,
           first_value(CASE WHEN counted THEN label END) OVER grp_run AS last_label,
           first_value(CASE WHEN counted THEN submitted_at END) OVER grp_run AS last_at,
           COALESCE(rag, CASE WHEN state = 'submitted' THEN 'awaiting_review' END,
                    CASE WHEN earlier_complete THEN 'complete' END, 'no_update') AS status
    FROM runs
    WINDOW grp_run AS (PARTITION BY deliverable_id, inc, grp ORDER BY start_date)
)
INSERT INTO aims_deliverableperiodstatus AS stored
    (deliverable_id, period_id, strategy_id, include_submitted, {", ".join(COLUMNS)})
SELECT deliverable_id, period_id, strategy_id, inc, status, COALESCE(rag, ''), reported,
       CASE WHEN status = 'complete' THEN 100 ELSE COALESCE(reported, last_percent, 0) END,
       CASE WHEN reported IS NULL THEN COALESCE(last_label, '') ELSE '' END,
       COALESCE(state, ''), COALESCE(previous_rag, ''), {_DIRECTION}, last_at
FROM carried
WHERE true
ORDER BY deliverable_id, period_id, inc
ON CONFLICT (deliverable_id, period_id, include_submitted) DO UPDATE SET
    strategy_id = EXCLUDED.strategy_id, {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS)}
WHERE {" OR ".join(f"stored.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in ("strategy_id", *COLUMNS))}
"""  # noqa: S608 - built from this module's constants; the ids are bound parameters

# Rows left behind under a strategy by a deliverable moved to another (the move marks the old strategy).
_PRUNE = """
DELETE FROM aims_deliverableperiodstatus WHERE id IN (
    SELECT stored.id FROM aims_deliverableperiodstatus stored JOIN aims_deliverable d ON d.id = stored.deliverable_id
    WHERE stored.strategy_id IN ({strategies}) AND stored.strategy_id <> d.strategy_id
)
"""


def _ids(values: list[int]) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def refresh(*, deliverables: Iterable[int] = (), strategies: Iterable[int] = (), using: str = "default") -> None:
    """Recompute the status rows of these deliverables and of every deliverable in these strategies, in SQL, in
    the current transaction (one statement, for PostgreSQL and SQLite alike); rows that would not change are not
    written."""
    deliverables, strategies = sorted(set(deliverables)), sorted(set(strategies))
    if deliverables or strategies:
        # Placeholders only: the ids are bound parameters.
        sql = _REFRESH.replace("{deliverables}", _ids(deliverables)).replace("{strategies}", _ids(strategies))
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [*deliverables, *strategies])


def prune(*, strategies: Iterable[int], using: str = "default") -> None:
    """Delete the rows kept under these strategies for deliverables that have moved to another strategy."""
    strategies = sorted(set(strategies))
    if strategies:
        with connections[using].cursor() as cursor:
            cursor.execute(_PRUNE.format(strategies=_ids(strategies)), strategies)


def rebuild_all(*, using: str = "default") -> None:
    """Every row of every strategy (after a bulk load that sent no marks: the benchmark's data, a restore)."""
    refresh(strategies=list(Strategy.objects.using(using).values_list("pk", flat=True)), using=using)


# The independent recomputation, for the check.

Key = tuple[int, int, bool]  # deliverable, period, include_submitted


def _direction(previous: str, current: str) -> str:
    if previous not in RANK or current not in RANK:
        return ""
    return "better" if RANK[current] > RANK[previous] else "worse" if RANK[current] < RANK[previous] else "same"


def _deliverable_rows(deliverable_id, strategy_id, periods, updates, include) -> dict[Key, dict]:
    counted_states = ("accepted", "submitted") if include else ("accepted",)
    rows, previous_rag, last, complete_before = {}, "", None, False
    for period in periods:
        update = updates.get((deliverable_id, period.pk))
        counted = update if update and update["state"] in counted_states else None
        if counted:
            last = (counted, period.label)
        rag_now = counted["rag_status"] if counted else ""
        status = rag_now or ("awaiting_review" if update and update["state"] == "submitted" else "")
        status = status or ("complete" if complete_before else "no_update")
        reported = counted["percent_complete"] if counted else None
        carried = last[0]["percent_complete"] if last else None
        rows[(deliverable_id, period.pk, include)] = {
            "strategy_id": strategy_id,
            "status": status,
            "rag": rag_now,
            "reported_percent": reported,
            "percent": 100 if status == "complete" else (reported if reported is not None else carried or 0),
            "carried_from": (last[1] if last else "") if reported is None else "",
            "update_state": update["state"] if update else "",
            "previous_rag": previous_rag,
            "direction": _direction(previous_rag, rag_now),
            "last_update_at": last[0]["submitted_at"] if last else None,
        }
        previous_rag = rag_now
        complete_before = complete_before or rag_now == "complete"
    return rows


def expected_rows(*, strategy_ids: Iterable[int] | None = None) -> dict[Key, dict]:
    """The rows as they should be, computed in Python from the updates (not from the SQL above)."""
    deliverables = Deliverable.objects.order_by()
    periods = ReportingPeriod.objects.order_by("start_date")
    updates = ProgressUpdate.objects.order_by()
    if strategy_ids is not None:
        deliverables = deliverables.filter(strategy_id__in=list(strategy_ids))
        periods = periods.filter(strategy_id__in=list(strategy_ids))
        updates = updates.filter(deliverable__strategy_id__in=list(strategy_ids))
    by_strategy: dict[int, list] = {}
    for period in periods:
        by_strategy.setdefault(period.strategy_id, []).append(period)
    fields = ("deliverable_id", "period_id", "state", "rag_status", "percent_complete", "submitted_at")
    by_key = {(u["deliverable_id"], u["period_id"]): u for u in updates.values(*fields)}
    rows: dict[Key, dict] = {}
    for deliverable_id, strategy_id in deliverables.values_list("pk", "strategy_id"):
        for include in (False, True):
            rows.update(
                _deliverable_rows(deliverable_id, strategy_id, by_strategy.get(strategy_id, []), by_key, include)
            )
    return rows


@dataclass(frozen=True)
class Difference:
    key: Key
    column: str  # "(missing)" or "(extra)" for a whole row
    stored: object
    expected: object

    def __str__(self) -> str:
        deliverable, period, include = self.key
        mode = "accepted and submitted" if include else "accepted only"
        return (
            f"deliverable {deliverable}, period {period} ({mode}): {self.column} is {self.stored!r}, "
            f"should be {self.expected!r}"
        )


def check(*, strategy_ids: Iterable[int] | None = None) -> list[Difference]:
    """Every difference between the stored rows and the rows recomputed from the updates; [] when all agree."""
    strategy_ids = list(strategy_ids) if strategy_ids is not None else None
    expected = expected_rows(strategy_ids=strategy_ids)
    stored_qs = DeliverablePeriodStatus.objects.order_by()
    if strategy_ids is not None:
        stored_qs = stored_qs.filter(deliverable__strategy_id__in=strategy_ids)
    names = ("deliverable_id", "period_id", "include_submitted", "strategy_id", *COLUMNS)
    stored = {(r["deliverable_id"], r["period_id"], r["include_submitted"]): r for r in stored_qs.values(*names)}
    differences = [Difference(key, "(extra)", "row", None) for key in stored.keys() - expected.keys()]
    for key, want in expected.items():
        have = stored.get(key)
        if have is None:
            differences.append(Difference(key, "(missing)", None, "row"))
            continue
        differences += [Difference(key, c, have[c], v) for c, v in want.items() if have[c] != v]
    return sorted(differences, key=lambda d: (d.key, d.column))
