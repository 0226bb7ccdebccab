"""The report tells the committee the truth: one definition of what counts, shared by the dashboard, the CSV and
the report; columns that add up; a CSV that reproduces the headline figure; carried-forward percents marked."""

import csv
import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from aims.models import ReportingPeriod, Strategy
from aims.rag import RAG_TABLE
from reports import selectors, services
from reports.exports import CSV_COLUMNS
from reports.pdf import report_html
from reports.snapshot import snapshot_build
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)
STATUS_LABELS = [status.label for status in RAG_TABLE]


class Tables(HTMLParser):
    """Every table of a page as a list of rows of cell texts (header and data cells alike), by caption."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.in_caption:
            self.tables[-1]["caption"] += data
        elif self.cell is not None:
            self.cell.append(data)

    def by_caption(self, words: str) -> list[list[str]]:
        return next(t["rows"] for t in self.tables if words in " ".join(t["caption"].split()))


@pytest.fixture
def every_status(strategy, open_period, officer):
    """A strategy with every status present in the open period, over two aims and two themes."""
    prev = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip
    a1 = factories.AimFactory(strategy=strategy, number=1, title="Digital council")
    a2 = factories.AimFactory(strategy=strategy, number=2, title="Digital place")
    t1 = factories.ThemeFactory(strategy=strategy, number=1, title="Customer access")
    t2 = factories.ThemeFactory(strategy=strategy, number=2, title="Connectivity")
    t1.aims.set([a1])
    t2.aims.set([a1, a2])
    made = {}

    def deliverable(ref, theme, weight="1", due=dt.date(2027, 12, 31)):
        made[ref] = factories.DeliverableFactory(
            strategy=strategy, theme=theme, reference=ref, owner=officer, weight=Decimal(weight), due_date=due
        )
        return made[ref]

    def update(ref, period, rag, pct, state="accepted", **texts):
        factories.ProgressUpdateFactory(
            deliverable=made[ref], period=period, rag_status=rag, percent_complete=pct, state=state, **texts
        )

    deliverable("R", t1, weight="2", due=dt.date(2026, 6, 30))
    update("R", prev, "amber", 30)
    update("R", open_period, "red", 35, corrective_action="=SUM(A1) agency staff", risks_issues="-Budget",
           next_steps="+Recruit", achieved="@Drafted")  # fmt: skip
    deliverable("A", t2)
    update("A", open_period, "amber", 50)
    deliverable("G", t1, weight="1.5")
    update("G", open_period, "green", 60)
    deliverable("C", t2)
    update("C", prev, "complete", 100)  # complete earlier: still complete, its 100% carried forward
    deliverable("N", t2)
    update("N", open_period, "not_started", 0)
    deliverable("W", t1)
    update("W", prev, "green", 40)
    update("W", open_period, "red", 45, state="submitted", corrective_action="Waiting")  # awaiting review
    deliverable("U", t2)
    update("U", prev, "green", 20)
    update("U", open_period, "green", 90, state="draft")  # drafts never count: no update, 20% carried forward
    deliverable("T", t1)
    update("T", open_period, "amber", 70, state="returned")
    deliverable("Z", t2)  # never reported
    return {"strategy": strategy, "prev": prev, "cur": open_period, "d": made}


def _figures(world, **kwargs):
    return selectors.period_figures(strategy=world["strategy"], period=world["cur"], today=TODAY, **kwargs)


def _report(world, user, **overrides):
    values = services.report_defaults(strategy=world["strategy"], period=world["cur"], user=user)
    values.update(meeting_date=dt.date(2026, 12, 8), **overrides)
    return services.report_create(strategy=world["strategy"], user=user, answers=services.ReportAnswers(**values))


def test_a_submitted_update_not_counted_is_awaiting_review_never_no_update(every_status):
    rows = {r.deliverable.reference: r for r in _figures(every_status).rows}
    assert {ref: r.status for ref, r in rows.items()} == {
        "A": "amber", "C": "complete", "G": "green", "N": "not_started", "R": "red", "T": "no_update",
        "U": "no_update", "W": "awaiting_review", "Z": "no_update",
    }  # fmt: skip
    assert _figures(every_status).summary.counts == {
        "red": 1, "amber": 1, "green": 1, "complete": 1, "not_started": 1, "awaiting_review": 1, "no_update": 3,
    }  # fmt: skip


def test_the_reports_default_counts_as_the_dashboards_default(client, every_status, clerk, board_member):
    report = _report(every_status, clerk)
    assert report.include_submitted is selectors.INCLUDE_SUBMITTED_DEFAULT
    snapshot = snapshot_build(report=report)
    client.force_login(board_member)
    dashboard = client.get(reverse("reports:dashboard", args=[every_status["strategy"].slug]))
    summary = dashboard.context["figures"].summary
    assert snapshot["summary"]["counts"] == summary.counts
    assert snapshot["summary"]["percent_complete"] == summary.percent_complete
    assert {r["reference"]: r["status_label"] for r in snapshot["deliverables"]}["W"] == "Awaiting review"
    # The figures say which updates they count, on the dashboard and in the report.
    sentence = "These figures count only updates accepted by the Digital Board. 1 update submitted but not yet "
    assert sentence in dashboard.content.decode() and sentence in snapshot["counted_description"]
    html = report_html(snapshot)
    assert sentence in " ".join(html.split())
    appendix = Tables(html).by_caption("Deliverables with their status")
    # Appendix A's status column: the status, then the percent complete, then the direction of travel.
    assert [row[2].split(" 40% complete")[0] for row in appendix if row[0] == "W"] == ["Awaiting review"]


def test_choosing_to_include_updates_not_yet_reviewed_counts_them_everywhere(client, every_status, clerk,
                                                                             board_member):  # fmt: skip
    snapshot = snapshot_build(report=_report(every_status, clerk, include_submitted=True))
    client.force_login(board_member)
    url = reverse("reports:dashboard", args=[every_status["strategy"].slug])
    dashboard = client.get(url, {"include_submitted": "yes"})
    counts = dashboard.context["figures"].summary.counts
    assert counts["red"] == 2 and counts["awaiting_review"] == 0
    assert snapshot["summary"]["counts"] == counts
    assert {r["reference"]: r["not_reviewed"] for r in snapshot["deliverables"]}["W"] is True
    csv_rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("reports:dashboard_csv", args=[every_status["strategy"].slug]), {"include_submitted": "yes"}
    ).content.decode())))  # fmt: skip
    assert {r["Reference"]: r["RAG status"] for r in csv_rows}["W"] == "Red"


def _adds_up(rows: list[list[str]], statuses: list[str]) -> None:
    header, *body = rows
    columns = [header.index(label) for label in statuses]
    assert body
    for row in body:
        assert sum(int(row[i]) for i in columns) == int(row[header.index("Deliverables")]), row


def test_every_row_of_the_by_aim_and_by_theme_tables_adds_up(client, every_status, clerk, board_member):
    client.force_login(board_member)
    page = Tables(client.get(reverse("reports:dashboard", args=[every_status["strategy"].slug])).content.decode())
    for caption in ("Figures by aim", "Figures by theme"):
        rows = page.by_caption(caption)
        assert rows[0][2 : 2 + len(STATUS_LABELS)] == STATUS_LABELS
        _adds_up(rows, STATUS_LABELS)
    pdf = Tables(report_html(snapshot_build(report=_report(every_status, clerk))))
    for caption in ("Table 2: Progress by", "Table 3: Progress by"):
        _adds_up(pdf.by_caption(caption), STATUS_LABELS)


def _headline_from_csv(content: str) -> float:
    rows = list(csv.DictReader(io.StringIO(content)))
    weights = [Decimal(r["Weight"]) for r in rows]
    weighted = sum(Decimal(r["Weight"]) * int(r["Percent complete"]) for r in rows)
    return float(round(weighted / sum(weights), 1)) if rows else 0.0


def test_the_csv_reproduces_the_headline_figure_and_says_what_it_counts(client, every_status, board_member):
    client.force_login(board_member)
    slug = every_status["strategy"].slug
    for query in ({}, {"include_submitted": "yes"}):
        dashboard = client.get(reverse("reports:dashboard", args=[slug]), query)
        content = client.get(reverse("reports:dashboard_csv", args=[slug]), query).content.decode()
        assert _headline_from_csv(content) == dashboard.context["figures"].summary.percent_complete
    rows = {r["Reference"]: r for r in csv.DictReader(io.StringIO(content))}
    assert list(next(csv.reader(io.StringIO(content)))) == CSV_COLUMNS
    assert [rows[ref]["Update state"] for ref in ("R", "W", "U", "T", "Z")] == [
        "Accepted", "Submitted", "Draft", "Returned", "None"
    ]  # fmt: skip
    assert (rows["R"]["Weight"], rows["G"]["Weight"], rows["R"]["Overdue"], rows["A"]["Overdue"]) == (
        "2", "1.5", "Yes", "No"
    )  # fmt: skip
    # The texts of the counted update, neutralised where a spreadsheet would run them as a formula.
    assert [rows["R"][c] for c in ("What was achieved", "Next steps", "Risks and issues", "Corrective action")] == [
        "'@Drafted", "'+Recruit", "'-Budget", "'=SUM(A1) agency staff"
    ]  # fmt: skip
    assert (rows["U"]["Percent complete"], rows["U"]["Percent carried forward"]) == ("20", "Yes")
    assert rows["U"]["Carried forward from"] == "April to September 2026"
    assert (rows["R"]["Percent carried forward"], rows["Z"]["Percent carried forward"]) == ("No", "No")


def test_the_csv_reproduces_the_headline_figure_on_the_demo_data(client):
    call_command("load_demo", verbosity=0)
    from accounts.models import User

    client.force_login(User.objects.get(username="board"))
    for strategy in Strategy.objects.all():
        dashboard = client.get(reverse("reports:dashboard", args=[strategy.slug]))
        content = client.get(reverse("reports:dashboard_csv", args=[strategy.slug])).content.decode()
        assert _headline_from_csv(content) == dashboard.context["figures"].summary.percent_complete


def test_a_carried_forward_percent_is_marked_on_the_dashboard_and_in_the_report(client, every_status, clerk,
                                                                                board_member):  # fmt: skip
    client.force_login(board_member)
    page = Tables(client.get(reverse("reports:dashboard", args=[every_status["strategy"].slug])).content.decode())
    deliverables = next(t["rows"] for t in page.tables if t["rows"][0][0] == "Reference")
    by_ref = {row[0]: row for row in deliverables[1:]}
    assert by_ref["U"][5] == "20% Carried forward from April to September 2026"
    assert by_ref["R"][5] == "35%" and by_ref["Z"][5] == "0%"
    appendix = Tables(report_html(snapshot_build(report=_report(every_status, clerk)))).by_caption(
        "Deliverables with their status"
    )
    statuses = {row[0]: row[2] for row in appendix[1:]}
    assert "20% complete (carried forward from April to September 2026)" in statuses["U"]
    assert "35% complete" in statuses["R"] and "carried forward" not in statuses["R"]


def test_create_and_report_pages_say_how_many_updates_await_review(client, every_status, clerk):
    client.force_login(clerk)
    url = reverse("reports:report_create", args=[every_status["strategy"].slug])
    page = client.get(url, {"period": every_status["cur"].pk}).content.decode()
    assert "1 update for October 2026 to March 2027 is waiting for review by the Digital Board." in page
    assert "Include updates not yet reviewed" in page
    report = _report(every_status, clerk)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "1 update for October 2026 to March 2027 is waiting for review by the Digital Board." in page
    assert '<dd class="govuk-summary-list__value">Accepted by the Digital Board</dd>' in page


def test_only_a_board_member_is_linked_to_updates_to_review_which_refuses_everyone_else(
    client, every_status, clerk, board_member
):
    """The clerk is told who reviews the waiting updates; a link would lead a clerk to "You cannot see this page"."""
    url = reverse("reports:report_create", args=[every_status["strategy"].slug])
    review_link = f'href="{reverse("aims:review_list")}"'
    client.force_login(clerk)
    assert client.get(reverse("aims:review_list")).status_code == 403
    page = client.get(url, {"period": every_status["cur"].pk}).content.decode()
    assert review_link not in page
    assert "Members of the Digital Board review them" in page
    client.force_login(board_member)
    assert client.get(reverse("aims:review_list")).status_code == 200
    report = _report(every_status, clerk)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert f"{review_link}>Updates to review</a>" in page
    # The dashboard's body is cached for everyone who may see it, so it names the page without linking.
    dashboard = client.get(reverse("reports:dashboard", args=[every_status["strategy"].slug])).content.decode()
    assert (
        "Members of the Digital Board review them" in dashboard
        and f"{review_link}>" not in dashboard.split('id="counted-updates"')[1].split("</p>")[0]
    )
