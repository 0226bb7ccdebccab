"""The demo loader: three councils with a believable history, and a second run that changes nothing."""

import datetime as dt
import hashlib
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q

from accounts.models import Membership, Role, User
from aims.demo import DEMO_LOGINS, EXTRA_OFFICERS, DemoRefused, load_demo
from aims.evidence_files import check_evidence_file
from aims.models import RAG, Deliverable, Evidence, Milestone, ProgressUpdate, ReportingPeriod, Strategy
from principles.models import Principle

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
PASSWORD = "test-demo-pass-2026"
CE, CWAC, SMBC = "cheshire-east-digital-strategy", "cheshire-west-digital-borough", "stockport-radically-digital"
CWAC_DATA = "cheshire-west-data-to-impact"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def loaded():
    return load_demo(password=PASSWORD, today=TODAY)


def table_counts() -> dict[str, int]:
    """Rows in every table of the three apps, history and many-to-many tables included, plus groups."""
    models = [
        model
        for label in ("aims", "principles", "accounts")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    counts = {model._meta.label: model.objects.count() for model in models}
    counts["auth.Group"] = Group.objects.count()
    counts["auth.Group.permissions"] = Group.permissions.through.objects.count()
    counts["accounts.User.groups"] = User.groups.through.objects.count()
    return counts


def values_snapshot() -> dict[str, list]:
    """Values that must not change on a second run (timestamps included)."""
    return {
        "users": sorted(
            User.objects.values_list("username", "password", "email", "job_title", "is_staff", "is_superuser")
        ),
        "periods": sorted(ReportingPeriod.objects.values_list("strategy__slug", "start_date", "label", "status")),
        "milestones": sorted(Milestone.objects.values_list("deliverable__reference", "title", "completed_on")),
        "updates": sorted(
            ProgressUpdate.objects.values_list(
                "deliverable__reference",
                "period__start_date",
                "rag_status",
                "percent_complete",
                "state",
                "achieved",
                "corrective_action",
                "version",
                "created_at",
                "updated_at",
                "submitted_at",
                "reviewed_at",
            )
        ),
        "evidence": sorted(
            Evidence.objects.values_list(
                "update__deliverable__reference",
                "update__period__start_date",
                "kind",
                "title",
                "url",
                "figure_value",
                "note",
                "file",
                "original_name",
                "sha256",
                "created_at",
            )
        ),
        "history": sorted(ProgressUpdate.history.values_list("id", "history_date", "history_type")),
    }


def test_a_second_run_changes_nothing(settings, tmp_path):
    first_counts = load_demo(password=PASSWORD, today=TODAY)
    tables, values = table_counts(), values_snapshot()
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())

    second_counts = load_demo(password=PASSWORD, today=TODAY)

    assert second_counts == first_counts
    assert table_counts() == tables
    assert values_snapshot() == values
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()) == files
    assert first_counts["progress updates"] > 200
    assert 3 <= first_counts["evidence files"] == len(files)


def test_the_three_strategies_have_their_own_shape(loaded):
    shape = {
        s.slug: (s.aims.count(), s.principles.count(), s.aim_label, s.cadence)
        for s in Strategy.objects.filter(slug__in=[CE, CWAC, SMBC])
    }
    assert shape[CE] == (4, 8, "Aim", "six_monthly")
    assert shape[CWAC] == (7, 10, "Vision area", "quarterly")
    assert shape[SMBC] == (3, 5, "Pillar", "six_monthly")
    for slug in (CE, CWAC, SMBC):
        deliverables = Deliverable.objects.filter(strategy__slug=slug)
        assert 10 <= deliverables.count() <= 30
        assert 3 <= Strategy.objects.get(slug=slug).themes.count() <= 7
        assert all(1 <= d.milestones.count() <= 4 for d in deliverables)


def test_cheshire_west_has_two_linked_strategies_adopted_together_by_cabinet(loaded, client):
    """Seed 002: Cabinet approved "Digital Ambition 2025-28" and "From Data to Impact 2025-28" together."""
    digital, data = Strategy.objects.get(slug=CWAC), Strategy.objects.get(slug=CWAC_DATA)
    assert (digital.title, data.title) == ("Digital Ambition 2025-28", "From Data to Impact 2025-28")
    assert digital.organisation == data.organisation
    for strategy in (digital, data):
        assert (strategy.cadence, strategy.adopted_by, str(strategy.adopted_on)) == (
            "quarterly",
            "Cabinet",
            "2025-12-10",
        )
        assert strategy.deliverables.exists() and strategy.periods.filter(status="open").exists()
    assert list(digital.linked_strategies.all()) == [data] and list(data.linked_strategies.all()) == [digital]
    client.force_login(User.objects.get(username="board"))
    for strategy, other in ((digital, data), (data, digital)):
        page = client.get(f"/strategies/{strategy.slug}/").content.decode()
        assert "Linked strategies" in page and f'href="/strategies/{other.slug}/">{other.title}</a>' in page


def test_the_open_period_contains_today_and_has_updates_to_chase(loaded):
    for strategy in Strategy.objects.filter(slug__in=[CE, CWAC, SMBC]):
        open_period = strategy.periods.get(status=ReportingPeriod.Status.OPEN)
        assert open_period.start_date <= TODAY <= open_period.end_date
        assert strategy.periods.filter(status=ReportingPeriod.Status.CLOSED).count() >= 4
        assert not strategy.periods.filter(status=ReportingPeriod.Status.CLOSED, end_date__gte=TODAY).exists()
        no_update = strategy.deliverables.filter(is_active=True, start_date__lte=TODAY).exclude(
            updates__period=open_period
        )
        not_complete = [d for d in no_update if not d.updates.filter(rag_status=RAG.COMPLETE).exists()]
        assert not_complete, strategy.slug
        states = set(open_period.updates.values_list("state", flat=True))
        assert {ProgressUpdate.State.DRAFT, ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.RETURNED} <= states
        assert open_period.updates.filter(state=ProgressUpdate.State.RETURNED).exclude(review_comment="").exists()
    assert ReportingPeriod.objects.get(strategy__slug=CE, status="open").label == "October 2026 to March 2027"
    assert ReportingPeriod.objects.get(strategy__slug=CWAC, status="open").label == "October to December 2026"

    # The demo officer owns work in two councils, with at least one update still to do in each.
    officer = User.objects.get(username="officer")
    owned = Deliverable.objects.filter(owner=officer)
    assert set(owned.values_list("strategy__slug", flat=True)) >= {CE, CWAC}
    for slug in (CE, CWAC):
        open_period = ReportingPeriod.objects.get(strategy__slug=slug, status=ReportingPeriod.Status.OPEN)
        assert owned.filter(strategy__slug=slug).count() >= 3
        to_do = owned.filter(strategy__slug=slug, is_active=True, start_date__lte=TODAY)
        assert to_do.exclude(updates__period=open_period).exclude(updates__rag_status=RAG.COMPLETE).exists()


def test_history_has_reds_overdue_work_and_principle_gaps(loaded):
    for slug in (CE, CWAC, SMBC):
        updates = ProgressUpdate.objects.filter(deliverable__strategy__slug=slug)
        assert (
            updates.filter(rag_status=RAG.RED, state=ProgressUpdate.State.ACCEPTED)
            .exclude(corrective_action="")
            .exists()
        )
        assert not updates.filter(rag_status=RAG.RED, corrective_action="").exists()
        assert updates.filter(rag_status=RAG.GREEN).count() > updates.filter(rag_status=RAG.RED).count()
        latest_closed = ReportingPeriod.objects.filter(strategy__slug=slug, status="closed").latest("start_date")
        assert latest_closed.updates.filter(state=ProgressUpdate.State.SUBMITTED).exists()
        assert not updates.filter(period__status="closed", state__in=["draft", "returned"]).exists()
        overdue = [
            d
            for d in Deliverable.objects.filter(strategy__slug=slug, is_active=True, due_date__lt=TODAY)
            if not d.updates.filter(rag_status=RAG.COMPLETE).exists()
        ]
        assert overdue, slug
    assert not ProgressUpdate.objects.filter(rag_status=RAG.COMPLETE).exclude(percent_complete=100).exists()

    # The coverage matrix has a gap to show in every strategy.
    for slug in (CE, CWAC, SMBC):
        uncovered = Principle.objects.filter(strategy__slug=slug).exclude(deliverables__is_active=True)
        assert uncovered.exists(), slug
    assert Principle.objects.get(strategy__slug=CE, title="Green Digital").deliverables.filter(is_active=False)


def test_progress_only_moves_forward_and_happens_in_the_past(loaded):
    for deliverable in Deliverable.objects.prefetch_related("updates__period"):
        updates = sorted(deliverable.updates.all(), key=lambda u: u.period.start_date)
        percents = [u.percent_complete for u in updates]
        assert percents == sorted(percents), deliverable.reference
        assert all(u.period.end_date >= deliverable.start_date for u in updates)
        rags = [u.rag_status for u in updates]
        if RAG.COMPLETE in rags:  # once complete, a deliverable stays complete
            assert set(rags[rags.index(RAG.COMPLETE) :]) == {RAG.COMPLETE}, deliverable.reference
    for period in ReportingPeriod.objects.filter(status=ReportingPeriod.Status.CLOSED):
        expected = Deliverable.objects.filter(strategy=period.strategy, is_active=True, start_date__lte=period.end_date)
        reported = period.updates.values_list("deliverable__reference", flat=True)
        assert set(expected.values_list("reference", flat=True)) == set(reported), period
    end_of_today = dt.datetime.combine(TODAY, dt.time.max, tzinfo=dt.UTC)
    for update in ProgressUpdate.objects.all():
        for moment in (update.created_at, update.updated_at, update.submitted_at, update.reviewed_at):
            assert moment is None or moment.tzinfo is not None and moment <= end_of_today
        if update.state == ProgressUpdate.State.ACCEPTED:
            assert update.reviewer.username == "board" and update.submitted_at <= update.reviewed_at
    for milestone in Milestone.objects.exclude(completed_on=None):
        assert milestone.completed_on < TODAY


def test_evidence_files_are_real_and_described_correctly(loaded):
    files = Evidence.objects.filter(kind=Evidence.Kind.FILE)
    assert {e.content_type for e in files} == {"application/pdf", "image/png"}
    for evidence in files:
        data = evidence.file.read()
        evidence.file.close()
        assert evidence.size_bytes == len(data)
        assert evidence.sha256 == hashlib.sha256(data).hexdigest()
        checked = check_evidence_file(SimpleUploadedFile(evidence.original_name, data))
        assert checked.content_type == evidence.content_type
    assert all(e.url.startswith("https://") for e in Evidence.objects.filter(kind=Evidence.Kind.LINK))
    assert Evidence.objects.filter(kind=Evidence.Kind.FIGURE, figure_value__isnull=False).exclude(figure_unit="")


def test_people_roles_and_admin_rights(loaded):
    for person in [*DEMO_LOGINS, *EXTRA_OFFICERS]:
        user = User.objects.get(username=person.username)
        assert user.check_password(PASSWORD)
        assert user.email.endswith("@example.gov.uk") and user.job_title and user.get_full_name()
    lead, admin = User.objects.get(username="lead"), User.objects.get(username="admin")
    # The Django admin is for superusers only: the lead works in the portal's screens.
    assert not lead.is_staff and not lead.is_superuser and not lead.groups.exists()
    assert admin.is_staff and admin.is_superuser

    def roles(username):
        return set(Membership.objects.filter(user__username=username).values_list("strategy__slug", "role"))

    assert roles("lead") == {(s, Role.LEAD) for s in (CE, CWAC, CWAC_DATA, SMBC)}
    assert roles("board") == {(s, Role.BOARD) for s in (CE, CWAC, CWAC_DATA, SMBC)}
    assert roles("clerk") == {(s, Role.CLERK) for s in (CE, CWAC, CWAC_DATA, SMBC)}
    assert roles("officer") == {(CE, Role.OFFICER), (CWAC, Role.OFFICER), (CWAC_DATA, Role.OFFICER)}
    for person in EXTRA_OFFICERS:
        name = person.username
        involved = Deliverable.objects.filter(Q(owner__username=name) | Q(contributors__username=name))
        assert roles(name) == {(slug, Role.OFFICER) for slug in involved.values_list("strategy__slug", flat=True)}


def test_command_prints_logins_and_counts(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("load_demo", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "progress updates" in text
    for username in ("officer", "board", "clerk", "lead", "admin"):
        assert f"  {username} " in text
    assert PASSWORD in text
    assert User.objects.get(username="clerk").check_password(PASSWORD)


def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(DemoRefused):
        load_demo(password=PASSWORD, today=TODAY)
    assert not User.objects.filter(username="admin").exists()
