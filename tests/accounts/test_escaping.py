"""Script and markup typed into free-text fields come out as text on screen, in the CSV and in the PDF."""

import csv
import io

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_payloads_are_escaped_on_screen_and_in_the_csv(client, strategy, open_period, theme, officer, board_member):
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="T " + PAYLOAD,
                                               description=PAYLOAD, lead_service=PAYLOAD)  # fmt: skip
    update = factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, state="submitted", rag_status="red", achieved=PAYLOAD,
        next_steps=PAYLOAD, risks_issues=PAYLOAD, corrective_action=PAYLOAD,
    )  # fmt: skip
    factories.EvidenceFactory(update=update, note=PAYLOAD)
    factories.EvidenceFactory(update=update, kind="link", note="", title=PAYLOAD, url="https://example.org/?q=<b>")
    client.force_login(board_member)
    pages = [
        reverse("aims:deliverable_detail", args=[deliverable.pk]),
        reverse("aims:update_review", args=[update.pk]),
        reverse("aims:review_list"),
        reverse("reports:dashboard", args=[strategy.slug]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url
    response = client.get(reverse("reports:dashboard_csv", args=[strategy.slug]))
    row = list(csv.DictReader(io.StringIO(response.content.decode())))[0]
    assert row["Deliverable"] == "T " + PAYLOAD and row["Lead service"] == PAYLOAD  # as text, nothing dropped
