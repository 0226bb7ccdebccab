"""Rendering a report holds its version's row lock only: saves in the same strategy go on meanwhile."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import F

from aims.models import Strategy
from reports import generation
from reports.models import ReportVersion
from tests.reports.test_reports import closed_period, make_report, progress  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_strategy_row_can_be_written_while_its_report_renders(strategy, closed_period, progress, clerk,  # noqa: F811
                                                                monkeypatch):  # fmt: skip
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    report = make_report(strategy, closed_period, clerk)
    version = ReportVersion.objects.create(report=report, number=1, requested_by=clerk)
    outcome = {}
    real_pdf = generation.report_pdf

    def another_save():
        # What a progress save does at commit: raise the strategy's data version (aims.data_versions).
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            outcome["updated"] = Strategy.objects.filter(pk=strategy.pk).update(data_version=F("data_version") + 1)
        except Exception as exc:  # noqa: BLE001 - the lock timeout, reported below
            outcome["error"] = exc
        finally:
            connections["default"].close()

    def pdf_while_someone_saves(snapshot):
        saver = threading.Thread(target=another_save)
        saver.start()
        saver.join(timeout=10)
        return real_pdf(snapshot)

    monkeypatch.setattr(generation, "report_pdf", pdf_while_someone_saves)
    generation.report_version_generate(version_id=version.pk)
    assert outcome == {"updated": 1}, outcome
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.READY
