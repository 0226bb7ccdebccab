"""A published strategy with one closed and one open period, and updates in every state: the public must read the
accepted ones for the closed period and nothing else."""

import datetime as dt

import pytest

from aims.models import RAG, ProgressUpdate, ReportingPeriod
from tests import factories

ACCEPTED = "Accepted words the public may read"
SECRETS = {
    ProgressUpdate.State.SUBMITTED: "Submitted words the board has not read",
    ProgressUpdate.State.DRAFT: "Draft words still being written",
    ProgressUpdate.State.RETURNED: "Returned words the board sent back",
}
OPEN_PERIOD_ACCEPTED = "Accepted words for a period still open"


@pytest.fixture
def published(db):
    strategy = factories.StrategyFactory(is_published=True, title="Digital Futures", slug="digital-futures")
    aim = factories.AimFactory(strategy=strategy, title="Residents first")
    theme = factories.ThemeFactory(strategy=strategy, title="Online services")
    theme.aims.add(aim)
    closed = factories.PeriodFactory(
        strategy=strategy,
        label="April to September 2025",
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2025, 9, 30),
        deadline=dt.date(2025, 9, 30),
        status=ReportingPeriod.Status.CLOSED,
    )
    current = factories.PeriodFactory(
        strategy=strategy,
        label="October 2025 to March 2026",
        start_date=dt.date(2025, 10, 1),
        end_date=dt.date(2026, 3, 31),
        deadline=dt.date(2026, 3, 31),
    )
    owner = factories.UserFactory(username="owner", first_name="Priya", last_name="Officerly")
    accepted = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=owner, reference="DF-01")
    factories.MilestoneFactory(deliverable=accepted, title="Portal launched")
    factories.ProgressUpdateFactory(
        deliverable=accepted,
        period=closed,
        state=ProgressUpdate.State.ACCEPTED,
        rag_status=RAG.AMBER,
        percent_complete=40,
        achieved=ACCEPTED,
        corrective_action="More staff from October",
    )
    factories.ProgressUpdateFactory(
        deliverable=accepted, period=current, state=ProgressUpdate.State.ACCEPTED, achieved=OPEN_PERIOD_ACCEPTED
    )
    for n, (state, words) in enumerate(SECRETS.items(), start=2):
        other = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=owner, reference=f"DF-0{n}")
        factories.ProgressUpdateFactory(
            deliverable=other,
            period=closed,
            state=state,
            rag_status=RAG.RED,
            corrective_action=words,
            achieved=words,
            next_steps=words,
        )
    return {"strategy": strategy, "closed": closed, "current": current, "accepted": accepted, "owner": owner}
