"""The committee PDF's page layout, read back from a generated report large enough to spread over many pages."""

import datetime as dt
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from aims.models import RAG, ReportingPeriod
from reports import generation, services
from reports.models import ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db

STATUSES = [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.COMPLETE, RAG.NOT_STARTED]


@pytest.fixture
def big_report(strategy, clerk, officer):
    period = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip
    aims = [factories.AimFactory(strategy=strategy, number=n, title=f"Aim number {n}") for n in range(1, 5)]
    for t in range(8):
        theme = factories.ThemeFactory(strategy=strategy, number=t + 1, title=f"Theme {t + 1} of the strategy")
        theme.aims.set([aims[t % 4]])
        for d in range(6):
            i = t * 6 + d
            deliverable = factories.DeliverableFactory(
                strategy=strategy, theme=theme, owner=officer, reference=f"DS-{i:02d}", title=f"Deliverable {i} " * 4
            )
            status = STATUSES[i % 5]
            factories.ProgressUpdateFactory(
                deliverable=deliverable, period=period, rag_status=status, state="accepted",
                percent_complete=100 if status == RAG.COMPLETE else 0 if status == RAG.NOT_STARTED else 40,
                achieved="Achieved this period. " * 8, next_steps=f"Next steps for {i}. " * 5,
                risks_issues=f"Risk number {i}. " * 4, corrective_action="Corrective action in hand. " * 6,
            )  # fmt: skip
    values = services.report_defaults(strategy=strategy, period=period, user=clerk)
    values.update(meeting_date=dt.date(2026, 12, 8), reference_number="CP/12/26-27")
    return services.report_create(strategy=strategy, user=clerk, answers=services.ReportAnswers(**values))


def generate(report, user):
    version = ReportVersion.objects.create(report=report, number=report.versions.count() + 1, requested_by=user)
    version = generation.report_version_generate(version_id=version.pk)
    shutil.copy(version.pdf.path, "/tmp/pdfout/big.pdf")
    return version


def page_texts(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def test_dump(big_report, clerk):
    version = generate(big_report, clerk)
    for i, text in enumerate(page_texts(version.pdf.path)):
        print("=" * 30, i + 1)
        print(text)
