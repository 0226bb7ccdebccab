import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from aims import spreadsheets
from aims.models import Deliverable
from tests import factories
from tests.aims.test_spreadsheets import column_of, row_of, to_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(strategy, open_period, theme, officer):
    return factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-07",
                                        title="Chatbot pilot")  # fmt: skip


def upload(client, strategy, data, name="strategy.xlsx"):
    url = reverse("aims:spreadsheet_upload", args=[strategy.slug])
    return client.post(url, {"spreadsheet": SimpleUploadedFile(name, data)})


def test_strategy_page_links_to_the_spreadsheet_for_its_leads_only(client, strategy, lead, officer, outsider):
    url = reverse("aims:strategy_detail", args=[strategy.slug])
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "Download as spreadsheet" in page and reverse("aims:spreadsheet_upload", args=[strategy.slug]) in page
    client.force_login(officer)
    assert "Download as spreadsheet" not in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["aims:spreadsheet_download", "aims:spreadsheet_upload"])
def test_only_the_strategys_leads_reach_the_spreadsheet(client, strategy, lead, officer, outsider, name):
    url = reverse(name, args=[strategy.slug])
    assert client.get(url)["Location"].startswith(reverse("login"))
    for person in (officer, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 403
    client.force_login(lead)
    assert client.get(url).status_code == 200


def test_another_persons_upload_cannot_be_checked_or_applied(client, strategy, deliverable, lead):
    data = spreadsheets.workbook_bytes(strategy=strategy)
    other_lead = factories.UserFactory(username="lead2")
    factories.MembershipFactory(user=other_lead, strategy=strategy, role="lead")
    token = spreadsheets.spreadsheet_stage(strategy=strategy, user=lead, data=data)
    client.force_login(other_lead)
    url = reverse("aims:spreadsheet_check", args=[strategy.slug, token])
    assert client.get(url).status_code == 404
    assert client.post(url, {"fingerprint": ""}).status_code == 404


def test_download_upload_check_and_apply(client, strategy, deliverable, lead):
    client.force_login(lead)
    response = client.get(reverse("aims:spreadsheet_download", args=[strategy.slug]))
    assert response["Content-Type"] == spreadsheets.CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Title")).value = "Chatbot for council tax"
    response = upload(client, strategy, to_bytes(wb))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-heading-xl">Check your changes</h1>' in page
    assert "CE-07: Title changed from “Chatbot pilot” to “Chatbot for council tax”" in page
    assert Deliverable.objects.get(reference="CE-07").title == "Chatbot pilot"  # nothing written yet
    fingerprint = spreadsheets.spreadsheet_plan(strategy=strategy, data=to_bytes(wb)).fingerprint
    assert f'value="{fingerprint}"' in page and "Apply changes" in page
    applied = client.post(response["Location"], {"fingerprint": fingerprint}, follow=True)
    assert "The spreadsheet was applied: 1 change saved." in applied.content.decode()
    assert Deliverable.objects.get(reference="CE-07").title == "Chatbot for council tax"
    assert client.get(response["Location"]).status_code == 404  # the kept file is gone once applied


def test_problems_are_in_the_error_summary_and_nothing_can_be_applied(client, strategy, deliverable, lead):
    client.force_login(lead)
    wb = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(strategy=strategy)))
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Due date")).value = "30/02/2027"
    response = upload(client, strategy, to_bytes(wb))
    page = client.get(response["Location"]).content.decode()
    assert "govuk-error-summary" in page and "<title>Error: Check your changes" in page
    assert "Deliverables, row 2 (CE-07), column Due date: enter a real date, for example 31/03/2026" in page
    assert "Apply changes" not in page
    plan = spreadsheets.spreadsheet_plan(strategy=strategy, data=to_bytes(wb))
    client.post(response["Location"], {"fingerprint": plan.fingerprint})
    assert Deliverable.objects.get(reference="CE-07").due_date == dt.date(2027, 3, 31)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Reference,Title\nCE-07,Chatbot\n", "strategy.xlsx", "must be an Excel spreadsheet (.xlsx)"),
        (b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024), "strategy.xlsx", "must be smaller than 5 MB"),
        (b"", "strategy.xlsx", "The submitted file is empty"),
    ],
)
def test_a_bad_file_is_refused_in_the_error_summary(client, strategy, lead, data, name, message):
    client.force_login(lead)
    response = upload(client, strategy, data, name)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and message in page


def test_uploading_nothing_asks_for_a_file(client, strategy, lead):
    client.force_login(lead)
    response = client.post(reverse("aims:spreadsheet_upload", args=[strategy.slug]), {})
    assert "Select a spreadsheet" in response.content.decode()


def test_a_check_made_stale_by_another_change_is_shown_again_not_applied(client, strategy, deliverable, lead):
    client.force_login(lead)
    wb = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(strategy=strategy)))
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Title")).value = "From the spreadsheet"
    check_url = upload(client, strategy, to_bytes(wb))["Location"]
    fingerprint = spreadsheets.spreadsheet_plan(strategy=strategy, data=to_bytes(wb)).fingerprint
    Deliverable.objects.filter(pk=deliverable.pk).update(title="Changed in the portal meanwhile")
    page = client.post(check_url, {"fingerprint": fingerprint}).content.decode()
    assert "govuk-error-summary" in page and "The strategy has changed since you checked" in page
    assert "CE-07: Title changed from “Changed in the portal meanwhile” to “From the spreadsheet”" in page
    assert Deliverable.objects.get(pk=deliverable.pk).title == "Changed in the portal meanwhile"


def test_a_superuser_reaches_the_spreadsheet(client, strategy):
    client.force_login(factories.UserFactory(username="admin", is_superuser=True))
    assert client.get(reverse("aims:spreadsheet_download", args=[strategy.slug])).status_code == 200
