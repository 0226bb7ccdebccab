"""The lead marks an indicator exempt on its form; the owner of a Red figure is asked for its corrective action
before it can be submitted, and the check and review pages show it."""

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorActual
from indicators.services import RED_NEEDS_CORRECTIVE_ACTION
from tests.indicators.helpers import indicator_with_periods
from tests.indicators.test_views import FORM

pytestmark = pytest.mark.django_db


def test_the_lead_marks_an_indicator_exempt_and_public_again(client, strategy, lead, officer):
    client.force_login(lead)
    add = reverse("indicators:indicator_add", args=[strategy.slug])
    assert "Is this indicator exempt information?" in client.get(add).text
    response = client.post(add, {**FORM, "owner": officer.pk, "exempt_paragraph": "3"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(reference="PI-09")
    assert indicator.exempt_paragraph == 3
    detail = client.get(reverse("indicators:indicator_detail", args=[strategy.slug, indicator.pk])).text
    assert "Exempt information" in detail and "Paragraph 3: the financial or business affairs" in detail
    change = reverse("indicators:indicator_change", args=[strategy.slug, indicator.pk])
    response = client.post(change, {**FORM, "owner": officer.pk, "exempt_paragraph": "9"})
    assert response.status_code == 200 and "There is a problem" in response.text  # not a paragraph of Schedule 12A
    client.post(change, {**FORM, "owner": officer.pk, "exempt_paragraph": ""})
    indicator.refresh_from_db()
    assert indicator.exempt_paragraph is None
    assert indicator.history.first().exempt_paragraph is None and indicator.history.last().exempt_paragraph == 3


def test_a_red_figure_is_not_submitted_without_its_corrective_action(client, strategy, officer, board_member):
    indicator = indicator_with_periods(strategy=strategy, owner=officer, targets=["80"])  # 5% tolerance: Red below 76
    period = indicator.periods.first()
    record = reverse("indicators:actual_record", args=[strategy.slug, indicator.pk, period.pk])
    client.force_login(officer)
    assert "Corrective action" in client.get(record).text
    response = client.post(record, {"action": "continue", "value": "70", "version": "0"})
    assert response.status_code == 200 and RED_NEEDS_CORRECTIVE_ACTION in response.text
    assert not IndicatorActual.objects.exists()
    response = client.post(record, {"action": "save", "value": "70", "version": "0"})  # a draft may wait for it
    assert response.status_code == 302
    actual = IndicatorActual.objects.get()
    check = reverse("indicators:actual_check", args=[strategy.slug, indicator.pk, period.pk])
    assert RED_NEEDS_CORRECTIVE_ACTION in client.get(check).text  # the check page lists what stops submitting
    client.post(check, {"version": str(actual.version)})
    actual.refresh_from_db()
    assert actual.state == "draft"
    action = "Extra staff on the phone lines from March."
    response = client.post(
        record, {"action": "continue", "value": "70", "corrective_action": action, "version": str(actual.version)}
    )
    assert response["Location"] == check
    assert action in client.get(check).text
    actual.refresh_from_db()
    client.post(check, {"version": str(actual.version)})
    actual.refresh_from_db()
    assert actual.state == "submitted" and actual.corrective_action == action
    client.force_login(board_member)
    assert action in client.get(reverse("indicators:actual_review", args=[strategy.slug, actual.pk])).text
