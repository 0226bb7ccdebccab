"""The RAG table and the update-state table (aims/rag.py, aims/update_states.py), and the tags that draw them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from aims import rag, update_states
from aims.forms import ProgressUpdateForm
from aims.models import RAG, ProgressUpdate
from reports import charts
from reports.filters import DeliverableFilter

ROOT = Path(settings.BASE_DIR)


def render(source: str, **context) -> str:
    return Template("{% load portal %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("key", "html"),
    [
        ("red", '<strong class="govuk-tag app-rag app-rag--red">Red</strong>'),
        ("amber", '<strong class="govuk-tag app-rag app-rag--amber">Amber</strong>'),
        ("green", '<strong class="govuk-tag app-rag app-rag--green">Green</strong>'),
        ("complete", '<strong class="govuk-tag app-rag app-rag--complete">Complete</strong>'),
        ("not_started", '<strong class="govuk-tag app-rag app-rag--not-started">Not started</strong>'),
        ("awaiting_review", '<strong class="govuk-tag app-rag govuk-tag--purple">Awaiting review</strong>'),
        ("no_update", '<strong class="govuk-tag app-rag app-rag--none">No update</strong>'),
        ("", '<strong class="govuk-tag app-rag app-rag--none">No update</strong>'),
        (None, '<strong class="govuk-tag app-rag app-rag--none">No update</strong>'),
        ("<b>", '<strong class="govuk-tag app-rag app-rag--none">No update</strong>'),
    ],
)
def test_rag_tag_names_the_status_in_words(key, html):
    assert render("{% rag_tag status %}", status=key) == html


def test_rag_tag_for_the_pdf_is_bold_text_with_the_pdf_print_colour():
    assert render("{% rag_tag 'not_started' pdf=True %}") == '<span class="rag rag-not_started">Not started</span>'
    pdf_css = (ROOT / "templates/reports/pdf/report.html").read_text()
    for status in rag.RAG_TABLE:
        assert f".{status.pdf_class}" in pdf_css


def test_every_tag_class_in_the_table_is_styled():
    # In the compiled style sheet the pages load: the portal's own classes, or a GOV.UK tag colour.
    css = (ROOT / "static/css/portal.css").read_text()
    for status in rag.RAG_TABLE:
        assert f".{status.css_class}{{" in css, status.key


@pytest.mark.parametrize(
    ("key", "html"),
    [
        ("returned", '<strong class="govuk-tag app-state app-state--returned govuk-tag--red">Returned</strong>'),
        (
            "not_started",
            '<strong class="govuk-tag app-state app-state--not_started govuk-tag--grey">Not started</strong>',
        ),
        ("draft", '<strong class="govuk-tag app-state app-state--draft govuk-tag--yellow">Draft</strong>'),
        ("submitted", '<strong class="govuk-tag app-state app-state--submitted govuk-tag--blue">Submitted</strong>'),
        ("accepted", '<strong class="govuk-tag app-state app-state--accepted govuk-tag--green">Accepted</strong>'),
        ("no_period", '<strong class="govuk-tag app-state app-state--no_period">No open period</strong>'),
    ],
)
def test_update_state_tag(key, html):
    assert render("{% update_state_tag state %}", state=key) == html


def test_a_table_has_a_column_per_status_from_the_table():
    counts = {"red": 3, "no_update": 1}
    html = render(
        "{% rag_statuses 'red' 'no_update' as statuses %}"
        "{% for s in statuses %}{{ s.label }}={{ counts|count_of:s }};{% endfor %}",
        counts=counts,
    )
    assert html == "Red=3;No update=1;"


def test_everything_that_names_a_status_reads_the_one_table():
    reportable = [(s.key, s.label) for s in rag.REPORTABLE]
    assert RAG.choices == reportable
    assert rag.KEYS == ["red", "amber", "green", "complete", "not_started", "awaiting_review", "no_update"]
    assert [(c.value, c.label, c.hint) for c in ProgressUpdateForm().fields["rag_status"].choices] == [
        (s.key, s.label, s.hint) for s in rag.REPORTABLE
    ]
    assert DeliverableFilter.base_filters["status"].extra["choices"] == [(s.key, s.label) for s in rag.RAG_TABLE]
    assert [(s.key, s.label, s.colour) for s in rag.RAG_TABLE] == charts.RAG_ORDER
    assert ProgressUpdate.State.choices == [(s.key, s.label) for s in update_states.STORED]
