"""Performance indicators in the committee report: in the frozen snapshot (hand-computed figures), in the PDF's
Background, exceptions and Appendix C, in the Word version heading for heading, in constant queries; snapshots
taken before indicators existed still render."""

import copy
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from core.errors import DomainError
from indicators import services as indicator_services
from indicators.forms import ActualForm
from indicators.models import IndicatorActual
from reports import pdf
from reports.snapshot import _indicators, snapshot_build
from tests.indicators.helpers import indicator_with_periods
from tests.reports.test_docx import docx_headings, docx_tables, pdf_headings, pdf_tables
from tests.reports.test_pdf_layout import generate, make_closed_period, make_report, many_deliverables

pytestmark = pytest.mark.django_db

# Quarterly from April 2025: the six quarters up to the report's period (April to September 2026); the report shows
# the sixth (July to September 2026), its previous measurement the fifth and the same period last year the second.
RED_NOTE = "Fewer residents booked online after the booking system outage in August."
RED_ACTION = "Restore online booking by 31 October and send reminder letters."


@pytest.fixture
def period(strategy):
    return make_closed_period(strategy)


@pytest.fixture
def indicators(strategy, officer):
    common = {"strategy": strategy, "owner": officer, "tolerance": 5}  # 5% of the target, percent, 1 decimal place
    green = indicator_with_periods(reference="PI-A", title="Transactions completed online", targets=["75"] * 6,
                                   actuals=["70", "72", "73", "74", "76", "80"], **common)  # fmt: skip
    amber = indicator_with_periods(reference="PI-B", title="Website satisfaction", targets=["80"] * 6,
                                   actuals=[None, "70", None, None, "79", "77"], **common)  # fmt: skip
    red = indicator_with_periods(reference="PI-C", title="Residents booking online", targets=["80"] * 6,
                                 actuals=[None, None, None, None, "78", "60"], **common)  # fmt: skip
    IndicatorActual.objects.filter(period__indicator=red, value=Decimal("60")).update(
        note=RED_NOTE, corrective_action=RED_ACTION
    )
    none = indicator_with_periods(reference="PI-D", title="Gigabit-capable premises", targets=["50"] * 6, **common)
    return green, amber, red, none


def test_the_snapshot_carries_counts_and_each_indicators_figures(strategy, period, indicators, clerk, officer):
    snapshot = snapshot_build(report=make_report(strategy, period, clerk))
    ind = snapshot["indicators"]
    assert ind["counts"] == {"red": 1, "amber": 1, "green": 1, "no_data": 1, "no_target": 0}
    assert (ind["total"], ind["met"], ind["missed"], ind["within_tolerance"]) == (4, 1, 2, 1)
    rows = {r["reference"]: r for r in ind["rows"]}
    green, amber, red, none = rows["PI-A"], rows["PI-B"], rows["PI-C"], rows["PI-D"]
    assert (green["target"], green["actual"], green["status"]) == ("75.0%", "80.0%", "green")
    assert (green["direction_previous"], green["direction_year"]) == ("Improving", "Improving")  # 76 -> 80, 72 -> 80
    assert green["period_label"] == rows["PI-A"]["series"][-1]["label"]
    assert [p["value"] for p in green["series"]] == ["70.0000", "72.0000", "73.0000", "74.0000", "76.0000", "80.0000"]
    # 77 against 80: 3 short, within 5% of 80 = 4; worse than 79 last quarter, better than 70 a year before.
    assert (amber["status"], amber["direction_previous"], amber["direction_year"]) == (
        "amber",
        "Worsening",
        "Improving",
    )
    # 60 against 80: 20 short, outside 4; the owner's note and corrective action come with it.
    assert (red["status"], red["actual"], red["direction_previous"], red["direction_year"]) == (
        "red", "60.0%", "Worsening", "Not known",
    )  # fmt: skip
    assert (red["commentary"], red["corrective_action"], red["owner"]) == (RED_NOTE, RED_ACTION, officer.display_name)
    assert (none["status"], none["actual"], none["target"]) == ("no_data", "", "50.0%")
    assert pdf.indicators_sentence(ind) == (
        "1 indicator met target, 2 did not, of which 1 was within tolerance. 1 had no accepted figure for the period."
    )


def test_the_snapshots_indicators_take_constant_queries(strategy, period, officer, django_assert_max_num_queries):
    for n in range(50):
        indicator_with_periods(strategy=strategy, owner=officer, reference=f"PI-{n:02d}", targets=["75"] * 6,
                               actuals=[str(60 + n % 20)] * 6)  # fmt: skip
    with django_assert_max_num_queries(5):
        ind = _indicators(strategy, period)
    assert ind["total"] == 50 and len(ind["rows"]) == 50


def _pdf_text(version) -> str:
    return " ".join(page.extract_text() for page in PdfReader(version.pdf.path).pages).replace("\n", " ")


def test_the_pdf_and_word_versions_have_the_section_the_red_exception_and_appendix_c(
    strategy, period, indicators, clerk, officer
):
    many_deliverables(strategy, period, officer, themes=1, per_theme=2)  # (an empty Appendix A differs in Word)
    version = generate(make_report(strategy, period, clerk), clerk)
    text = _pdf_text(version)
    assert "Performance indicators" in text and "5.9." in text and "5.11." in text
    assert "1 indicator met target, 2 did not, of which 1 was within tolerance." in text
    assert "Table 6: Performance indicators by status" in text and "Figure 4: Performance indicators" in text
    assert "Table 7: Exceptions: performance indicators outside tolerance (red)" in text
    assert RED_NOTE in text and RED_ACTION in text
    assert "Figure 5 shows its recent measurements against target." in text
    assert "Figure 5: PI-C Residents booking online: target and actual by measurement period" in text
    assert "Appendix C: Performance indicators" in text and "Gigabit-capable premises" in text
    reader, document = PdfReader(version.pdf.path), Document(version.docx.path)
    assert docx_headings(document) == pdf_headings(reader)
    assert docx_tables(document) == pdf_tables(reader)
    word = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])  # fmt: skip
    assert RED_NOTE in word and RED_ACTION in word and "Appendix C: Performance indicators" in word
    figure = [s for s in document.inline_shapes if "indicators by status" in (s._inline.docPr.get("title") or "")]
    assert figure and "Red: 1" in figure[0]._inline.docPr.get("descr")
    trend = [s for s in document.inline_shapes if (s._inline.docPr.get("title") or "").startswith("PI-C ")]
    assert trend and "60.0%" in trend[0]._inline.docPr.get("descr")  # the text alternative names the figures


def test_a_snapshot_taken_before_indicators_renders_as_it_did(strategy, period, indicators, clerk):
    snapshot = snapshot_build(report=make_report(strategy, period, clerk))
    old = copy.deepcopy(snapshot)
    del old["indicators"]
    html = pdf.report_html(old)
    assert "Performance indicators" not in html and "Appendix C" not in html
    assert "Performance indicators" in pdf.report_html(snapshot)


def test_a_red_figure_needs_a_corrective_action_to_be_submitted(indicators, officer):
    red = indicators[2]
    period = red.periods.order_by("start_date")[5]
    actual = IndicatorActual.objects.get(period=period)
    IndicatorActual.objects.filter(pk=actual.pk).update(state="returned")
    actual.refresh_from_db()
    form = ActualForm({"value": "60", "version": actual.version}, indicator=red, period=period, submitting=True)
    assert not form.is_valid() and form.errors["corrective_action"] == [indicator_services.RED_NEEDS_CORRECTIVE_ACTION]
    amber = ActualForm({"value": "77", "version": actual.version}, indicator=red, period=period, submitting=True)
    assert amber.is_valid(), amber.errors  # within tolerance: no corrective action asked for
    actual.corrective_action = ""
    with pytest.raises(DomainError, match="corrective action"):
        indicator_services.actual_save(
            actual=actual, answers=indicator_services.ActualAnswers(value=Decimal("60")), user=officer,
            expected_version=actual.version, submit=True,
        )  # fmt: skip
    saved = indicator_services.actual_save(
        actual=actual, user=officer, expected_version=actual.version, submit=True,
        answers=indicator_services.ActualAnswers(value=Decimal("60"), corrective_action=RED_ACTION),
    )  # fmt: skip
    assert saved.state == "submitted" and saved.corrective_action == RED_ACTION
