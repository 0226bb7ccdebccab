"""Every write path says what it changed (core/freshness.py), and the versions rise once per transaction.

The walk below switches the safety net (aims/signals.py) off, so a path that forgets to mark fails here even
though the net would have covered it; tests/aims/test_data_versions.py checks the net itself."""

import datetime as dt
from types import SimpleNamespace

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from aims import services, signals
from aims.evidence_files import check_evidence_file
from aims.handover import user_deactivate
from aims.models import Deliverable, Evidence, ProgressUpdate, Strategy
from aims.strategy_io import strategy_export
from core import freshness
from reports.scheduled import roll_over_and_draft_reports
from tests import factories
from tests.admin_forms import admin_post
from tests.aims.test_progress_views import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_safety_net():
    signals.disconnect()
    yield
    signals.connect()


@pytest.fixture
def world(strategy, theme, open_period, officer, other_officer, board_member, other_strategy):
    contributor, bystander = factories.UserFactory(username="contributor"), factories.UserFactory(username="bystander")
    mine = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    mine.contributors.add(contributor)
    return SimpleNamespace(
        strategy=strategy, theme=theme, period=open_period, other_strategy=other_strategy, mine=mine,
        theirs=factories.DeliverableFactory(strategy=strategy, theme=theme, owner=other_officer),
        elsewhere=factories.DeliverableFactory(theme=factories.ThemeFactory(strategy=other_strategy), owner=bystander),
        officer=officer, other_officer=other_officer, board_member=board_member, contributor=contributor,
        bystander=bystander,
    )  # fmt: skip


def snapshot() -> dict:
    return {
        "strategies": dict(Strategy.objects.values_list("pk", "data_version")),
        "deliverables": dict(Deliverable.objects.values_list("pk", "data_version")),
        "people": dict(User.objects.values_list("pk", "home_version")),
    }


def rose(before: dict) -> dict:
    """The rows (there before and after) whose version rose."""
    after = snapshot()
    return {kind: {pk for pk, v in after[kind].items() if v > before[kind].get(pk, v)} for kind in after}


def nothing(w):
    return {"strategies": set(), "deliverables": set(), "people": set()}


def mine_changed(w):
    return {"strategies": {w.strategy.pk}, "deliverables": {w.mine.pk}, "people": {w.officer.pk, w.contributor.pk}}


def mine_page_only(w):
    """A change nothing the strategy's pages show (a draft saved again, evidence): its page and homes only."""
    return {**mine_changed(w), "strategies": set()}


def strategy_wide(w):
    return {
        "strategies": {w.strategy.pk},
        "deliverables": {w.mine.pk, w.theirs.pk},
        "people": {w.officer.pk, w.contributor.pk, w.other_officer.pk, w.board_member.pk},
    }


def everything(w):
    wide = strategy_wide(w)
    return {
        "strategies": wide["strategies"] | {w.other_strategy.pk},
        "deliverables": wide["deliverables"] | {w.elsewhere.pk},
        "people": wide["people"] | {w.bystander.pk},
    }


def handed_over(w):
    return {**mine_changed(w), "people": {w.officer.pk, w.contributor.pk, w.other_officer.pk}}


def draft(w, *, submit=False, evidence=None, milestones=None):
    update = ProgressUpdate.objects.filter(deliverable=w.mine, period=w.period).first()
    update = update or services.progress_update_start(deliverable=w.mine, period=w.period, user=w.officer)
    return lambda: services.progress_update_save(
        update=update,
        answers=services.ProgressAnswers(
            rag_status="green", percent_complete=40, achieved="Launched.", next_steps="More."
        ),
        user=w.officer,
        expected_version=update.version,
        submit=submit,
        evidence=evidence,
        milestones_completed=milestones,
    )


def draft_with_evidence(w):
    milestones = [factories.MilestoneFactory(deliverable=w.mine), factories.MilestoneFactory(deliverable=w.mine)]
    evidence = services.EvidenceInput(
        links=[("Minutes", "https://example.gov.uk/minutes"), ("Survey", "https://example.gov.uk/survey")],
        notes=["Survey results are on the shared drive."],
    )
    return draft(w, evidence=evidence, milestones=milestones)


def evidence_removed(w):
    update = factories.ProgressUpdateFactory(deliverable=w.mine, period=w.period, state="draft", version=3)
    item = factories.EvidenceFactory(update=update)
    return draft(w, evidence=services.EvidenceInput(remove_ids=[item.pk]))


def draft_saved_again(w, state="draft"):
    factories.ProgressUpdateFactory(
        deliverable=w.mine,
        period=w.period,
        state=state,
        version=2,
        rag_status="green",
        percent_complete=10,
        achieved="Started.",
    )
    return draft(w)


def reviewed(accept):
    def case(w):
        update = factories.ProgressUpdateFactory(deliverable=w.mine, period=w.period, state="submitted")
        return lambda: services.progress_update_review(
            update=update, user=w.board_member, accept=accept, comment="" if accept else "Add the figures."
        )

    return case


def periods_generated(w):
    return lambda: services.reporting_periods_generate(strategy=w.strategy, today=dt.date(2026, 12, 1))


def rolled_over(w):
    return lambda: services.reporting_periods_roll_over(strategy=w.strategy, today=dt.date(2027, 4, 2))


def nothing_to_roll_over(w):
    services.reporting_periods_roll_over(strategy=w.strategy, today=dt.date(2026, 12, 1))
    return lambda: services.reporting_periods_roll_over(strategy=w.strategy, today=dt.date(2026, 12, 2))


def scheduled_roll_over(w):
    return lambda: roll_over_and_draft_reports(today=dt.date(2027, 4, 2))


def imported(change_owner):
    def case(w, tmp_path):
        document = strategy_export(strategy=Strategy.objects.get(pk=w.strategy.pk))
        if change_owner:
            row = next(d for d in document["deliverables"] if d["reference"] == w.mine.reference)
            row["owner"] = w.other_officer.username
        path = tmp_path / "strategy.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        return lambda: call_command("import_strategy", str(path), verbosity=0)

    return case


def deactivated(w):
    return lambda: call_command("deactivate_user", w.officer.username, reassign_to=w.other_officer.username)


def handover_service(w):
    return lambda: user_deactivate(user=w.officer, reassign_to=w.other_officer)


def staged(w):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    return lambda: services.staged_upload_create(
        user=w.officer, deliverable=w.mine, period=w.period, source=upload, checked=check_evidence_file(upload)
    )


CASES = {
    "draft_save": (lambda w: draft(w), mine_changed),
    "draft_save_with_evidence_and_milestones": (draft_with_evidence, mine_changed),
    "submitted": (lambda w: draft(w, submit=True), mine_changed),
    "evidence_removed": (evidence_removed, mine_page_only),  # from a draft saved again as a draft
    "draft_saved_again": (lambda w: draft_saved_again(w), mine_page_only),
    "returned_saved_again": (lambda w: draft_saved_again(w, state="returned"), mine_page_only),
    "review_accepted": (reviewed(True), mine_changed),
    "review_returned": (reviewed(False), mine_changed),
    "periods_generated": (periods_generated, strategy_wide),
    "periods_rolled_over": (rolled_over, strategy_wide),
    "nothing_to_roll_over": (nothing_to_roll_over, nothing),
    "scheduled_roll_over": (scheduled_roll_over, everything),  # the other strategy gets its periods made
    "handover_service": (handover_service, handed_over),
    "deactivate_user_command": (deactivated, handed_over),
    "staged_upload": (staged, nothing),
}


@pytest.mark.parametrize("name", CASES)
def test_every_service_and_command_marks_what_it_changed(name, world, no_safety_net):
    prepare, expected = CASES[name]
    act = prepare(world)
    before = snapshot()
    act()
    assert rose(before) == expected(world)


@pytest.mark.parametrize(("change_owner", "expected"), [(True, handed_over), (False, nothing)])
def test_import_command_marks_what_it_changed_and_nothing_when_nothing_did(
    change_owner, expected, world, no_safety_net, tmp_path
):
    act = imported(change_owner)(world, tmp_path)
    before = snapshot()
    act()
    assert rose(before) == expected(world)


def test_load_demo_marks_its_strategies_and_a_renamed_demo_person_everywhere(strategy, theme, officer, no_safety_net):
    """A rerun rewrites the demo strategies; putting back a demo person's name is a rename, which every page may
    show, so a strategy that is not the demo's rises too."""
    call_command("load_demo", verbosity=0)
    before = snapshot()
    call_command("load_demo", verbosity=0)
    demo = set(Strategy.objects.exclude(pk=strategy.pk).values_list("pk", flat=True))
    assert rose(before)["strategies"] == demo
    User.objects.filter(username="officer").update(first_name="Someone")
    before = snapshot()
    call_command("load_demo", verbosity=0)
    assert rose(before)["strategies"] == demo | {strategy.pk}


def admin_change(url_name, *args, **changes):
    return lambda client: admin_post(client, reverse(url_name, args=args), **changes)


def admin_delete(url_name, pk):
    return lambda client: client.post(reverse(url_name, args=[pk]), {"post": "yes"})


def admin_case(name, w):
    s, mine = w.strategy, w.mine
    if name == "deliverable_handed_over":
        return admin_change("admin:aims_deliverable_change", mine.pk, owner=w.other_officer.pk, contributors=[])
    if name == "milestone_added_inline":
        row = {"milestones-TOTAL_FORMS": 1, "milestones-0-title": "Go live", "milestones-0-deliverable": mine.pk}
        return admin_change("admin:aims_deliverable_change", mine.pk, **row)
    if name == "deliverable_deleted":
        return admin_delete("admin:aims_deliverable_delete", mine.pk)
    if name == "strategy_renamed":
        return admin_change("admin:aims_strategy_change", s.pk, title="Renamed strategy")
    if name == "theme_aims":
        aim = factories.AimFactory(strategy=s)
        return admin_change("admin:aims_theme_change", w.theme.pk, aims=[aim.pk])
    if name == "period_deadline":
        return admin_change("admin:aims_reportingperiod_change", w.period.pk, deadline="2027-03-15")
    if name == "council_renamed":
        return admin_change("admin:aims_organisation_change", s.organisation_id, name="Renamed Council")
    if name == "principle_renamed":
        principle = factories.PrincipleFactory(strategy=s)
        return admin_change("admin:principles_principle_change", principle.pk, title="Renamed principle")
    if name == "person_renamed":
        return admin_change("admin:accounts_user_change", w.officer.pk, last_name="Renamed")
    if name == "person_changed_not_renamed":
        return admin_change("admin:accounts_user_change", w.officer.pk, job_title="Digital lead")
    if name == "role_given":
        return lambda client: admin_post(
            client, reverse("admin:accounts_membership_add"), user=w.bystander.pk, strategy=s.pk, role=Role.BOARD
        )
    if name == "role_removed":
        membership = Membership.objects.get(user=w.board_member)
        return admin_delete("admin:accounts_membership_delete", membership.pk)
    update = factories.ProgressUpdateFactory(deliverable=mine, period=w.period)
    evidence = factories.EvidenceFactory(update=update)
    if name == "update_deleted":
        return admin_delete("admin:aims_progressupdate_delete", update.pk)
    if name == "updates_deleted_from_the_list":
        return lambda client: client.post(
            reverse("admin:aims_progressupdate_changelist"),
            {"action": "delete_selected", "_selected_action": [update.pk], "post": "yes"},
        )
    assert name == "evidence_deleted"
    return admin_delete("admin:aims_evidence_delete", evidence.pk)


def without_mine(expected):
    def rows(w):
        marks = expected(w)
        return {**marks, "deliverables": marks["deliverables"] - {w.mine.pk}}

    return rows


ADMIN_CASES = {
    "deliverable_handed_over": handed_over,
    "milestone_added_inline": mine_changed,
    "deliverable_deleted": without_mine(strategy_wide),
    "strategy_renamed": strategy_wide,
    "theme_aims": strategy_wide,
    "period_deadline": strategy_wide,
    "council_renamed": strategy_wide,
    "principle_renamed": strategy_wide,
    "person_renamed": everything,
    "person_changed_not_renamed": lambda w: {**nothing(w), "people": {w.officer.pk}},
    "role_given": lambda w: {**nothing(w), "people": {w.bystander.pk}},
    "role_removed": lambda w: {**nothing(w), "people": {w.board_member.pk}},
    "update_deleted": mine_changed,
    "updates_deleted_from_the_list": mine_changed,
    "evidence_deleted": mine_page_only,
}


@pytest.mark.parametrize("name", ADMIN_CASES)
def test_every_admin_change_and_delete_marks_what_it_changed(name, world, no_safety_net, client):
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    act = admin_case(name, world)
    before = snapshot()
    response = act(client)
    assert getattr(response, "status_code", 302) == 302
    assert rose(before) == ADMIN_CASES[name](world)


def test_an_admin_page_raises_each_version_once_however_many_rows_it_saves(world, client):
    """With the safety net on too: the deliverable, three new milestones and a contributor are one batch."""
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    rows = {"milestones-TOTAL_FORMS": 3, "contributors": [world.contributor.pk, world.bystander.pk]}
    for i in range(3):
        rows |= {f"milestones-{i}-title": f"Step {i}", f"milestones-{i}-deliverable": world.mine.pk}
    with CaptureQueriesContext(connection) as ctx:
        admin_post(client, reverse("admin:aims_deliverable_change", args=[world.mine.pk]), title="Renamed", **rows)
    updates = [q["sql"].split('"')[1] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "aims_strategy"')]
    assert updates == ["aims_strategy"]
    assert Deliverable.objects.get(pk=world.mine.pk).milestones.count() == 3


# The draft save the issue measured: 2 links, 1 note and 2 milestones, once 49 queries, 18 of them on version
# columns, with the strategy's row updated 6 times in the transaction.


def strategy_updates(ctx) -> int:
    return sum(q["sql"].startswith('UPDATE "aims_strategy"') for q in ctx.captured_queries)


def test_draft_save_with_links_a_note_and_milestones_is_twenty_one_queries_and_one_strategy_update(
    world, django_assert_max_num_queries
):
    save = draft_with_evidence(world)
    # The savepoint of the test's transaction included, and the one statement that recomputes the deliverable's
    # status rows (aims/status_rows.py).
    with django_assert_max_num_queries(21) as ctx:
        save()
    assert strategy_updates(ctx) == 1
    version_updates = [q for q in ctx.captured_queries if "_version" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert len(version_updates) == 3  # strategy, deliverable, people
    update = ProgressUpdate.objects.get(deliverable=world.mine)
    assert sorted(update.evidence.values_list("kind", flat=True)) == ["link", "link", "note"]
    assert {e.history.count() for e in update.evidence.all()} == {1}
    assert all(m.completed_on and m.history.first().history_type == "~" for m in update.milestones_completed.all())


def test_draft_save_through_the_form_updates_the_strategy_row_once(world, client):
    m1, m2 = factories.MilestoneFactory(deliverable=world.mine), factories.MilestoneFactory(deliverable=world.mine)
    client.force_login(world.officer)
    data = {"version": "0", "rag_status": "green", "percent_complete": "40", "achieved": "Launched.",
            "next_steps": "More.", "risks_issues": "", "corrective_action": "", "action": "draft",
            "links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0", "figures-TOTAL_FORMS": "2",
            "figures-INITIAL_FORMS": "0", "links-0-title": "Minutes", "links-0-url": "https://example.gov.uk/minutes",
            "links-1-title": "Survey", "links-1-url": "https://example.gov.uk/survey", "note": "On the shared drive.",
            "milestones_completed": [str(m1.pk), str(m2.pk)]}  # fmt: skip
    today = timezone.localdate()
    for m in (m1, m2):  # when each was achieved: the date input the form fills in with today
        data |= {f"milestone_{m.pk}_achieved_on_{i}": str(part) for i, part in enumerate(today.timetuple()[2::-1])}
    before = snapshot()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("aims:progress_update", args=[world.mine.pk, world.period.pk]), data)
    assert response.status_code == 302
    assert strategy_updates(ctx) == 1
    assert rose(before) == mine_changed(world)
    assert Evidence.objects.filter(update__deliverable=world.mine).count() == 3


# The mechanism


@pytest.fixture
def written(monkeypatch):
    """The batches the writer is given, each with whether a transaction was open."""
    batches = []
    monkeypatch.setattr(
        freshness, "_writer", lambda marks: batches.append((marks, connection.in_atomic_block, len(batches)))
    )
    return batches


def test_marks_outside_a_batch_are_written_at_once(written):
    freshness.mark(deliverables=[1])
    freshness.mark(people=[2, None])
    assert [m for m, _, _ in written] == [freshness.Marks(deliverables={1}), freshness.Marks(people={2})]


def test_marks_in_nested_batches_are_written_once_before_the_outermost_commits(written):
    @freshness.atomic
    def service(pk):
        freshness.mark(deliverables=[pk])
        return pk

    with freshness.atomic():
        freshness.mark(strategies=[1])
        service(2)
        with freshness.atomic():
            service(3)
            freshness.mark(strategy_wide=[4])
        assert written == [] and freshness.pending() == freshness.Marks(
            strategies={1}, deliverables={2, 3}, strategy_wide={4}
        )
    assert [(m, in_transaction) for m, in_transaction, _ in written] == [
        (freshness.Marks(strategies={1}, deliverables={2, 3}, strategy_wide={4}), True)
    ]
    assert freshness.pending() is None
    service(5)  # a decorated service is its own outermost batch
    assert written[-1][0] == freshness.Marks(deliverables={5})


def test_marks_of_a_batch_that_fails_are_dropped_with_its_changes(written):
    with pytest.raises(ValueError), freshness.atomic():
        freshness.mark(deliverables=[1])
        raise ValueError
    assert written == [] and freshness.pending() is None


def test_no_writer_registered_is_an_error_not_a_silent_stale_page(monkeypatch):
    monkeypatch.setattr(freshness, "_writer", None)
    with pytest.raises(RuntimeError):
        freshness.mark(deliverables=[1])
    freshness.mark()  # nothing to write is fine
