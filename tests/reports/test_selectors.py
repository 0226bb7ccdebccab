"""Dashboard figures against a small fixture worked out by hand (see the comments)."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import User
from aims.models import ProgressUpdate, ReportingPeriod
from reports import selectors
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def world(db):
    strategy = factories.StrategyFactory(start_date=dt.date(2026, 4, 1), end_date=dt.date(2028, 3, 31))
    a1 = factories.AimFactory(strategy=strategy, number=1, title="Digital council")
    a2 = factories.AimFactory(strategy=strategy, number=2, title="Digital place")
    t1 = factories.ThemeFactory(strategy=strategy, number=1, title="Customer access")
    t2 = factories.ThemeFactory(strategy=strategy, number=2, title="Connectivity")
    t1.aims.set([a1])
    t2.aims.set([a1, a2])
    prev = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip
    cur = factories.PeriodFactory(strategy=strategy)  # October 2026 to March 2027, open
    owner = factories.UserFactory(username="owner")

    def deliverable(ref, theme, weight=1, due=dt.date(2027, 12, 31), start=dt.date(2026, 4, 1), active=True):
        return factories.DeliverableFactory(
            strategy=strategy, theme=theme, reference=ref, weight=Decimal(weight), due_date=due, start_date=start,
            owner=owner, is_active=active,
        )  # fmt: skip

    def update(d, period, rag, pct, state="accepted", corrective=""):
        return factories.ProgressUpdateFactory(
            deliverable=d, period=period, rag_status=rag, percent_complete=pct, state=state,
            corrective_action=corrective,
        )  # fmt: skip

    d1 = deliverable("D1", t1, due=dt.date(2026, 6, 30))
    update(d1, prev, "green", 50)
    update(d1, cur, "red", 60, state="submitted", corrective="Agency staff from January")
    d2 = deliverable("D2", t1, weight=2)
    update(d2, prev, "amber", 20)
    update(d2, cur, "green", 40)
    d3 = deliverable("D3", t2)
    update(d3, prev, "green", 80)
    update(d3, cur, "amber", 85, state="draft")  # drafts never count
    d4 = deliverable("D4", t2, due=dt.date(2026, 1, 1), start=dt.date(2025, 10, 1))
    update(d4, prev, "complete", 100)
    deliverable("D5", t2, start=dt.date(2027, 6, 1))  # starts after the period: out of scope
    d6 = deliverable("D6", t1, active=False)  # withdrawn
    p1 = factories.PrincipleFactory(strategy=strategy, number=1, title="Digital for all")
    p2 = factories.PrincipleFactory(strategy=strategy, number=2, title="Green digital")
    factories.DeliverablePrincipleFactory(deliverable=d1, principle=p1)
    factories.DeliverablePrincipleFactory(deliverable=d3, principle=p1)
    factories.DeliverablePrincipleFactory(deliverable=d6, principle=p2)
    return {"strategy": strategy, "prev": prev, "cur": cur, "a1": a1, "a2": a2, "t1": t1, "t2": t2, "d3": d3}


def test_summary_figures(world):
    figures = selectors.period_figures(
        strategy=world["strategy"], period=world["cur"], include_submitted=True, today=TODAY
    )
    s = figures.summary
    assert [r.deliverable.reference for r in figures.rows] == ["D1", "D2", "D3", "D4"]
    assert s.total == 4
    assert s.counts == {
        "red": 1,
        "amber": 0,
        "green": 1,
        "complete": 1,
        "not_started": 0,
        "awaiting_review": 0,
        "no_update": 1,
    }
    assert s.overdue == 1  # D1: due 30 June 2026 and red; D4 is overdue on paper but complete
    # (1×60 + 2×40 + 1×80 carried forward + 1×100 complete) / (1 + 2 + 1 + 1) = 320 / 5
    assert s.percent_complete == 64.0
    assert s.directions == {"better": 1, "same": 0, "worse": 1}  # D2 amber→green, D1 green→red
    assert s.direction == "same"
    rows = {r.deliverable.reference: r for r in figures.rows}
    assert (rows["D1"].direction, rows["D2"].direction, rows["D3"].direction) == ("worse", "better", "")
    assert (rows["D3"].status, rows["D3"].percent, rows["D4"].status) == ("no_update", 80, "complete")


def test_figures_by_aim_and_theme(world):
    figures = selectors.period_figures(
        strategy=world["strategy"], period=world["cur"], include_submitted=True, today=TODAY
    )
    by_aim = {aim.title: f for aim, f in figures.by_aim}
    assert by_aim["Digital council"].total == 4 and by_aim["Digital council"].percent_complete == 64.0
    assert by_aim["Digital place"].total == 2 and by_aim["Digital place"].percent_complete == 90.0  # (80+100)/2
    assert figures.furthest_behind[0].title == "Digital council"
    by_theme = {theme.title: f for theme, f in figures.by_theme}
    assert by_theme["Customer access"].percent_complete == 46.7  # (60 + 2×40) / 3
    assert by_theme["Connectivity"].counts["complete"] == 1


def test_by_default_only_accepted_updates_count_and_a_submitted_one_is_awaiting_review(world):
    figures = selectors.period_figures(strategy=world["strategy"], period=world["cur"], today=TODAY)
    assert figures.summary.counts["red"] == 0  # D1's red update is only submitted
    assert figures.summary.counts["awaiting_review"] == 1 and figures.summary.counts["no_update"] == 1
    rows = {r.deliverable.reference: r for r in figures.rows}
    assert (rows["D1"].status, rows["D1"].update_state, rows["D1"].percent) == ("awaiting_review", "submitted", 50)
    assert (rows["D1"].carried_forward, rows["D1"].carried_from) == (True, "April to September 2026")
    assert figures.awaiting_review == 1
    assert "1 update submitted but not yet reviewed is not counted" in figures.counted_description
    trend = selectors.rag_trend(strategy=world["strategy"], periods=[world["prev"], world["cur"]], up_to=world["cur"])
    assert trend[-1][1] == figures.summary.counts
    included = selectors.period_figures(
        strategy=world["strategy"], period=world["cur"], include_submitted=True, today=TODAY
    )
    assert included.summary.counts["awaiting_review"] == 0 and included.awaiting_review == 1
    assert {r.deliverable.reference: r for r in included.rows}["D1"].not_reviewed


def test_exceptions_chase_list_and_coverage(world):
    figures = selectors.period_figures(
        strategy=world["strategy"], period=world["cur"], include_submitted=True, today=TODAY
    )
    assert [(r.deliverable.reference, r.deliverable.period_corrective) for r in figures.exceptions] == [
        ("D1", "Agency staff from January")
    ]
    chase = selectors.chase_list(strategy=world["strategy"], period=world["cur"])
    assert [(owner.username, [(i.deliverable.reference, i.state) for i in items]) for owner, items in chase] == [
        ("owner", [("D3", "draft")])
    ]
    coverage = selectors.principle_coverage(strategy=world["strategy"])
    assert [(p.title, cells, total) for p, cells, total in coverage.rows] == [
        ("Digital for all", [2, 1], 2),
        ("Green digital", [0, 0], 0),
    ]
    assert [p.title for p in coverage.uncovered] == ["Green digital"]


def test_trend_uses_the_same_rules(world):
    periods = selectors.period_list(strategy=world["strategy"])
    trend = selectors.rag_trend(strategy=world["strategy"], periods=periods, up_to=world["cur"], include_submitted=True)
    assert [(p.label, counts) for p, counts in trend] == [
        ("April to September 2026", {"red": 0, "amber": 1, "green": 2, "complete": 1, "not_started": 0,
                                     "awaiting_review": 0, "no_update": 0}),
        ("October 2026 to March 2027", {"red": 1, "amber": 0, "green": 1, "complete": 1, "not_started": 0,
                                        "awaiting_review": 0, "no_update": 1}),
    ]  # fmt: skip
    figures = selectors.period_figures(
        strategy=world["strategy"], period=world["cur"], include_submitted=True, today=TODAY
    )
    assert trend[-1][1] == figures.summary.counts


def test_resubmitted_update_changes_the_figures(world):
    update = ProgressUpdate.objects.get(deliverable=world["d3"], period=world["cur"])
    update.state = "submitted"
    update.save()
    figures = selectors.period_figures(
        strategy=world["strategy"], period=world["cur"], include_submitted=True, today=TODAY
    )
    assert figures.summary.counts["amber"] == 1 and figures.summary.counts["no_update"] == 0


def test_chase_list_includes_deliverables_with_no_update_at_all(world):
    never = factories.DeliverableFactory(
        strategy=world["strategy"], theme=world["t1"], reference="D9", start_date=dt.date(2026, 4, 1)
    )
    chase = selectors.chase_list(strategy=world["strategy"], period=world["cur"])
    items = {i.deliverable.reference: i.state_label for _, group in chase for i in group}
    assert items == {"D3": "Draft not submitted", "D9": "No update"}
    assert never.owner in [owner for owner, _ in chase]


def _flat(groups):
    return [(str(owner), i.deliverable.reference, i.state) for owner, items in groups for i in items]


def test_chase_list_page_pages_through_the_chase_list_by_owner(world, django_assert_num_queries):
    strategy, cur, t1 = world["strategy"], world["cur"], world["t1"]
    User.objects.filter(username="owner").update(first_name="Olu", last_name="Mensah")  # owns D3 (draft)
    adams = factories.UserFactory(username="adams", first_name="Ann", last_name="Adams")
    zed = factories.UserFactory(username="zed", first_name="Zoe", last_name="Zed")
    for ref in ("A3", "A1", "A2"):
        factories.DeliverableFactory(strategy=strategy, theme=t1, owner=adams, reference=ref)
    returned = factories.DeliverableFactory(strategy=strategy, theme=t1, owner=zed, reference="Z1")
    factories.ProgressUpdateFactory(deliverable=returned, period=cur, state="returned")
    submitted = factories.DeliverableFactory(strategy=strategy, theme=t1, owner=zed, reference="Z2")
    factories.ProgressUpdateFactory(deliverable=submitted, period=cur, state="submitted")

    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(2):  # the counts, then the page
            chase = selectors.chase_list_page(strategy=strategy, period=cur, number=number, per_page=2)
        assert (chase.deliverables, chase.owners, chase.page.paginator.num_pages) == (5, 3, 3)
        assert chase.page.number == number
        pages.append([(str(g.owner), [i.deliverable.reference for i in g.items], g.waiting, g.continued)
                      for g in chase.groups])  # fmt: skip
    assert pages == [
        [("Ann Adams", ["A1", "A2"], 3, False)],
        [("Ann Adams", ["A3"], 3, True), ("Olu Mensah", ["D3"], 1, False)],  # Ann's list goes on from page 1
        [("Zoe Zed", ["Z1"], 1, False)],
    ]
    everything = selectors.chase_list_page(strategy=strategy, period=cur, per_page=50)
    assert _flat((g.owner, g.items) for g in everything.groups) == _flat(
        selectors.chase_list(strategy=strategy, period=cur)
    )
    assert [i.state_label for g in everything.groups for i in g.items] == [
        "No update", "No update", "No update", "Draft not submitted", "Returned, not resubmitted",
    ]  # fmt: skip
    # Like Paginator.get_page: past the end is the last page, nonsense is the first.
    assert selectors.chase_list_page(strategy=strategy, period=cur, number="99", per_page=2).page.number == 3
    assert selectors.chase_list_page(strategy=strategy, period=cur, number="x", per_page=2).page.number == 1


def test_chase_list_page_with_nobody_waiting(world):
    update = ProgressUpdate.objects.get(deliverable=world["d3"], period=world["cur"])
    update.state = "submitted"
    update.save()
    chase = selectors.chase_list_page(strategy=world["strategy"], period=world["cur"])
    assert (chase.deliverables, chase.owners, chase.groups, chase.page.has_other_pages()) == (0, 0, [], False)
