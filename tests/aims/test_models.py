import pytest
from django.db import IntegrityError, transaction

from aims.models import RAG, ProgressUpdate
from tests import factories

pytestmark = pytest.mark.django_db


def test_reference_is_unique_within_a_strategy_only(deliverable, other_strategy):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DeliverableFactory(
            strategy=deliverable.strategy, theme=deliverable.theme, reference=deliverable.reference
        )
    other_theme = factories.ThemeFactory(strategy=other_strategy)
    factories.DeliverableFactory(strategy=other_strategy, theme=other_theme, reference=deliverable.reference)


def test_percent_complete_must_be_between_0_and_100(deliverable, open_period):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, percent_complete=101)


def test_one_update_per_deliverable_and_period(deliverable, open_period):
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)


def test_red_update_needs_corrective_action_once_submitted(deliverable, open_period):
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, rag_status=RAG.RED)
    update.state = ProgressUpdate.State.SUBMITTED
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()
    update.corrective_action = "Extra staff from April."
    update.save()


def test_complete_means_100_percent(deliverable, open_period):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, rag_status=RAG.COMPLETE)


def test_only_one_open_period_per_strategy(strategy, open_period):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PeriodFactory(strategy=strategy, start_date=open_period.end_date, end_date=open_period.end_date)


def test_link_evidence_must_be_http(deliverable, open_period):
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EvidenceFactory(update=update, kind="link", note="", url="javascript:alert(1)")
    factories.EvidenceFactory(update=update, kind="link", note="", url="https://example.org/report")
