"""Copy in GOV.UK style: numbers with thousands separators, times like "5:25pm", dates like "1 December 2026",
"Same as", filters that default to "All", the GOV.UK email message, hints that match their errors.

Found in review: "5:25p.m." (Django's "a" format), "1 Dec 2026", "21450", an evidence figure shown as "2.145E+4",
"Same than April to September 2026" on the dashboard, a RAG filter offering "---------", "Enter a valid email
address.", and a link hint saying "Starts with https://" while its error allowed http:// too.
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from aims.forms import FigureForm, LinkForm
from aims.models import Evidence
from core import wording
from reports.models import ReportVersion
from tests import factories

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [(17, 25, "5:25pm"), (9, 5, "9:05am"), (12, 0, "midday"), (0, 0, "midnight"), (17, 0, "5pm"), (0, 30, "12:30am"),
     (12, 45, "12:45pm")],
)  # fmt: skip
def test_times_are_written_the_govuk_way(hour, minute, words):
    assert wording.govuk_time(dt.datetime(2026, 12, 1, hour, minute, tzinfo=LONDON)) == words


def test_dates_and_numbers_are_written_the_govuk_way():
    assert wording.govuk_datetime(dt.datetime(2026, 12, 1, 17, 25, tzinfo=LONDON)) == "1 December 2026 at 5:25pm"
    assert wording.govuk_number(21450) == "21,450"
    assert wording.govuk_number(Decimal("21450.0000")) == "21,450"
    assert wording.govuk_number(Decimal("12.5000")) == "12.5"
    assert wording.govuk_number(999) == "999"
    assert wording.govuk_number(None) == ""


@pytest.mark.django_db
def test_report_page_shows_times_like_5_25pm_and_dates_in_full(client, strategy, clerk, open_period):
    from tests.reports.test_home import report_with_versions

    report = report_with_versions(strategy, open_period, clerk, "Autumn progress", ["failed"])
    ReportVersion.objects.filter(report=report).update(requested_at=dt.datetime(2026, 11, 3, 17, 25, tzinfo=LONDON))
    client.force_login(clerk)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "3 November 2026 at 5:25pm" in page
    assert "p.m." not in page and "3 Nov 2026" not in page


def test_figures_tables_show_thousands_separators():
    group = {"title": "Aim 1", "total": 21450, "counts": {"red": 1200, "green": 3}, "overdue": 1001,
             "percent_complete": 40, "direction": ""}  # fmt: skip
    pdf = render_to_string("reports/pdf/figures_table.html", {"groups": [group], "number": "2", "noun": "aims"})
    assert "21,450" in pdf and "1,200" in pdf and "1,001" in pdf and "21450" not in pdf


@pytest.mark.django_db
def test_an_evidence_figure_is_shown_with_separators_not_in_scientific_notation():
    item = Evidence(kind=Evidence.Kind.FIGURE, title="Residents helped", figure_value=Decimal("21450.0000"))
    page = render_to_string("includes/evidence_list.html", {"evidence": [item]})
    assert "21,450" in page and "E+" not in page


def test_a_figure_may_be_typed_with_separators_as_the_hint_says():
    form = FigureForm({"name": "Residents helped", "value": "21,450"}, number=1)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == Decimal("21450")
    assert "1,250" in str(form.fields["value"].help_text)


def test_the_link_hint_says_what_its_error_allows():
    form = LinkForm({"title": "Plan", "url": "ftp://example.com"}, number=1)
    assert not form.is_valid()
    hint, error = str(form.fields["url"].help_text), form.errors["url"][0]
    assert "https://" in hint and "http://" in hint
    assert "https://" in error and "http://" in error


@pytest.mark.django_db
def test_dashboard_says_same_as_the_last_period(client, strategy, theme, board_member):
    earlier = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status="closed",
    )  # fmt: skip
    now = factories.PeriodFactory(strategy=strategy)
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme)
    for period in (earlier, now):
        factories.ProgressUpdateFactory(deliverable=deliverable, period=period, state="accepted")
    client.force_login(board_member)
    page = client.get(reverse("reports:dashboard", args=[strategy.slug]) + f"?period={now.pk}").content.decode()
    text = re.sub(r"<[^>]+>", "", page)
    assert re.search(r"Same\s+as\s+April to September 2026", text)
    assert "Same than" not in re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_dashboard_filters_default_to_all(client, strategy, open_period, board_member):
    client.force_login(board_member)
    page = client.get(reverse("reports:dashboard", args=[strategy.slug])).content.decode()
    selects = re.findall(r'<select[^>]*name="(aim|theme|owner|lead_service|status)"[^>]*>\s*<option[^>]*>([^<]*)<',
                         page)  # fmt: skip
    assert {name for name, _ in selects} == {"aim", "theme", "owner", "lead_service", "status"}
    assert all(first == "All" for _, first in selects), selects


@pytest.mark.django_db
def test_email_fields_use_the_govuk_message(client, strategy, clerk, open_period):
    page = client.post(reverse("password_reset"), {"email": "not-an-email"}).content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in page
    from reports.forms import ProgressReportForm

    form = ProgressReportForm({"contact_email": "rachel.moss"}, strategy=strategy)
    assert form.errors["contact_email"] == ["Enter an email address in the correct format, like name@example.com"]


def test_chart_text_alternatives_and_labels_use_thousands_separators():
    from reports.charts import rag_bar

    svg = str(
        rag_bar(
            {"red": 1200, "amber": 3, "green": 21450, "complete": 0, "not_started": 0, "no_update": 0},
            title="By status",
            chart_id="c1",
        )
    )
    assert "21,450" in svg and "1,200" in svg and "22,653 deliverables" in svg
    assert "21450" not in svg


def test_no_template_formats_a_time_itself():
    """Django's "a" gives "p.m."; every time goes through govuk_time / govuk_datetime ("5:25pm"). Found again on
    the People and roles page after the first fix, so every template is checked."""
    own_time_format = re.compile(r'\|(date|time):"[^"]*[aAP][^"]*"')
    offenders = [
        f"{path}:{number}"
        for path in sorted(Path("templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if own_time_format.search(line)
    ]
    assert not offenders, offenders
