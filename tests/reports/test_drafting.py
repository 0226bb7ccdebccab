"""The drafted executive summary and recommendations follow the chosen period and counting, without JavaScript;
text the clerk edited is never replaced without asking. The meeting date is a GOV.UK date input."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import ProgressReport
from tests.reports.test_counting import every_status  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
CUR, PREV = "October 2026 to March 2027", "April to September 2026"


def _post_data(form, **changes) -> dict:
    """What the browser sends for the form as shown: its initial values, the meeting date, then the changes."""
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("period", "include_submitted")}
    data.update(
        scope="full",
        period=getattr(form.initial["period"], "pk", form.initial["period"]),
        meeting_date_0="8",
        meeting_date_1="12",
        meeting_date_2="2026",
    )
    if form.initial.get("include_submitted"):
        data["include_submitted"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def create(client, every_status, clerk):  # noqa: F811
    client.force_login(clerk)
    url = reverse("reports:report_create", args=[every_status["strategy"].slug])
    form = client.get(url).context["form"]
    assert form.initial["period"] == every_status["prev"]  # the latest closed period is proposed
    return url, form


def test_update_the_drafted_text_follows_another_period(client, every_status, create):  # noqa: F811
    url, form = create
    assert PREV in form.initial["executive_summary"] and PREV in form.initial["recommendations"]
    empty_date = {"meeting_date_0": "", "meeting_date_1": "", "meeting_date_2": ""}  # not chosen yet
    response = client.post(url, _post_data(form, period=every_status["cur"].pk, action="redraft", **empty_date))
    assert response.status_code == 200 and not ProgressReport.objects.exists()
    shown = response.context["form"]
    assert (
        f"for {CUR}." in shown["executive_summary"].value() and f"for {PREV}." not in shown["executive_summary"].value()
    )
    assert CUR in shown["recommendations"].value()
    # The purpose names the period too: it was drafted for the proposed period only.
    assert PREV in form.initial["purpose"]
    assert CUR in shown["purpose"].value() and PREV not in shown["purpose"].value()
    page = response.content.decode()
    assert "There is a problem" not in page and "govuk-input--error" not in page  # only re-shown, not checked
    from reports.drafting import draft_mark  # here, so the other tests of this file run on code without it

    assert shown["executive_summary_draft"].value() == draft_mark(shown["executive_summary"].value())


def test_the_draft_follows_include_updates_not_yet_reviewed(client, every_status, create):  # noqa: F811
    url, form = create
    base = _post_data(form, period=every_status["cur"].pk, action="redraft")
    accepted = client.post(url, base).context["form"]
    included = client.post(url, {**base, "include_submitted": "on"}).context["form"]
    assert "1 off track (red)" in accepted["executive_summary"].value()
    assert "1 awaiting review" in accepted["executive_summary"].value()
    assert "2 off track (red)" in included["executive_summary"].value()
    assert "0 awaiting review" in included["executive_summary"].value()
    assert "for the 2 deliverables reported red" in included["recommendations"].value()


def test_untouched_text_is_redrafted_when_the_report_is_created(client, every_status, create):  # noqa: F811
    url, form = create
    response = client.post(url, _post_data(form, period=every_status["cur"].pk, action="save"))
    assert response.status_code == 302, response.context["form"].errors
    report = ProgressReport.objects.get()
    assert (
        report.period == every_status["cur"] and CUR in report.executive_summary and PREV not in report.recommendations
    )


def test_edited_text_is_kept_and_the_new_draft_offered(client, every_status, create):  # noqa: F811
    url, form = create
    edited = form.initial["executive_summary"] + "\r\n\r\nThe board thanks every service."
    data = _post_data(form, period=every_status["cur"].pk, executive_summary=edited, action="save")
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and not ProgressReport.objects.exists()
    assert (
        "You have edited the executive summary." in page and "Replace my executive summary with the new draft" in page
    )
    shown = response.context["form"]
    assert shown["executive_summary"].value() == edited  # kept, word for word
    assert CUR in shown["recommendations"].value()  # untouched: it followed the period
    offer = response.context["offers"][0]
    assert offer.name == "executive_summary" and CUR in offer.draft
    # "Keep my text", then create: the edited text is what the report holds.
    kept = {**data, **{k: shown[k].value() for k in ("recommendations", "executive_summary_draft",
                                                    "recommendations_draft")}}  # fmt: skip
    response = client.post(url, {**kept, "draft_choice": "keep:executive_summary"})
    assert not response.context["offers"]
    again = response.context["form"]
    response = client.post(url, {**kept, "executive_summary_draft": again["executive_summary_draft"].value()})
    assert response.status_code == 302
    assert ProgressReport.objects.get().executive_summary.replace("\r\n", "\n") == edited.replace("\r\n", "\n")


def test_the_clerk_can_replace_edited_text_with_the_new_draft(client, every_status, create):  # noqa: F811
    url, form = create
    data = _post_data(form, period=every_status["cur"].pk, executive_summary="My own words.", action="redraft")
    response = client.post(url, data)
    assert response.context["form"]["executive_summary"].value() == "My own words."
    marks = {k: response.context["form"][k].value() for k in ("executive_summary_draft", "recommendations_draft")}
    replaced = client.post(url, {**data, **marks, "action": "", "draft_choice": "replace:executive_summary"})
    assert CUR in replaced.context["form"]["executive_summary"].value()


def test_editing_a_report_keeps_edited_text_when_the_period_changes(client, every_status, create):  # noqa: F811
    url, form = create
    assert client.post(url, _post_data(form, executive_summary="Written by the clerk.")).status_code == 302
    report = ProgressReport.objects.get()
    edit = reverse("reports:report_edit", args=[report.pk])
    form = client.get(edit).context["form"]
    data = _post_data(form, executive_summary=report.executive_summary, period=every_status["cur"].pk)
    response = client.post(edit, data)
    assert response.status_code == 200 and response.context["offers"][0].name == "executive_summary"
    report.refresh_from_db()
    assert report.period == every_status["prev"] and report.executive_summary == "Written by the clerk."


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("", "", "", "Enter the date of the meeting"),
        ("31", "2", "2026", "Date of meeting must be a real date"),
        ("8", "", "2026", "Date of meeting must include a month"),
        ("8", "12", "26", "Date of meeting must be a real date"),
        ("eight", "12", "2026", "Date of meeting must be a real date"),
    ],
)
def test_the_meeting_date_is_a_govuk_date_input(client, every_status, create, day, month, year, message):  # noqa: F811
    url, form = create
    page = client.get(url).content.decode()
    assert 'type="date"' not in page
    assert 'name="meeting_date_0"' in page and 'name="meeting_date_1"' in page and 'name="meeting_date_2"' in page
    data = _post_data(form, meeting_date_0=day, meeting_date_1=month, meeting_date_2=year)
    response = client.post(url, data)
    assert response.status_code == 200 and not ProgressReport.objects.exists()
    assert message in response.content.decode() and "There is a problem" in response.content.decode()


def test_a_real_meeting_date_is_saved(client, every_status, create):  # noqa: F811
    url, form = create
    assert client.post(url, _post_data(form, meeting_date_0="08", meeting_date_1="12")).status_code == 302
    assert ProgressReport.objects.get().meeting_date == dt.date(2026, 12, 8)
