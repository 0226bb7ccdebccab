import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from accounts.models import User
from aims import status_rows
from aims.models import Aim, Deliverable, Evidence, Milestone, Organisation, ReportingPeriod, Strategy, Theme
from aims.strategy_io import StrategyImportError, strategy_dumps, strategy_export, strategy_import
from principles.models import DeliverablePrinciple, Principle
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [Organisation, Strategy, Aim, Theme, Principle, Deliverable, DeliverablePrinciple, Milestone, ReportingPeriod]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


PEOPLE = ("p.shah", "j.hughes")


def give_roles(slug: str) -> None:
    """The document's owner and contributor, officers of the strategy (the import names only its people)."""
    for username in PEOPLE:
        factories.MembershipFactory(user=User.objects.get(username=username), strategy=Strategy.objects.get(slug=slug))


def import_new(data: dict) -> Strategy:
    """A strategy new to the portal has no people yet: its structure first, then its people, then the rest."""
    strategy = strategy_import(data={**data, "deliverables": []})
    give_roles(strategy.slug)
    return strategy_import(data=data)


@pytest.fixture
def document(db):
    factories.UserFactory(username="p.shah", email="priya.shah@example.gov.uk")
    factories.UserFactory(username="j.hughes")
    return {
        "format": "digital-strategy-portal/1",
        "organisation": {"name": "Test Borough Council", "slug": "test-borough", "email": "digital@test.gov.uk"},
        "strategy": {
            "title": "Digital Test Strategy",
            "slug": "digital-test",
            "start_date": "2025-04-01",
            "end_date": "2027-03-31",
            "cadence": "six_monthly",
            "status": "adopted",
            "is_published": True,
            "aim_label": "Pillar",
            "aim_label_plural": "Pillars",
        },
        "aims": [{"number": 1, "title": "Digital council"}, {"number": 2, "title": "Digital place"}],
        "principles": [{"number": 1, "title": "Digital for all"}, {"number": 2, "title": "Safe digital"}],
        "themes": [{"number": 1, "title": "Customer access", "aims": [1, 2]}],
        "deliverables": [
            {
                "reference": "T-01",
                "title": "New website",
                "theme": 1,
                "owner": "priya.shah@example.gov.uk",
                "contributors": ["j.hughes"],
                "due_date": "2026-03-31",
                "weight": 2,
                "principles": [{"number": 1, "note": "Plain English"}],
                "milestones": [{"title": "Beta live", "due_date": "2025-12-01", "completed_on": "2025-11-20"}],
            }
        ],
    }


def test_import_creates_the_whole_structure(document):
    strategy = import_new(document)
    assert strategy.aim_label == "Pillar"
    deliverable = strategy.deliverables.get()
    assert deliverable.owner.username == "p.shah"
    assert [u.username for u in deliverable.contributors.all()] == ["j.hughes"]
    assert deliverable.principle_links.get().note == "Plain English"
    assert sorted(strategy.themes.get().aims.values_list("number", flat=True)) == [1, 2]
    assert strategy.periods.count() == 4  # generated from the six-monthly cadence
    assert status_rows.check() == []  # a row per deliverable, period and way of counting, made with them
    assert strategy.deliverables.get().period_statuses.count() == 4 * 2


def test_import_twice_changes_nothing(document):
    import_new(document)
    before = counts()
    exported = strategy_export(strategy=Strategy.objects.get())
    strategy_import(data=document)
    assert counts() == before
    assert strategy_export(strategy=Strategy.objects.get()) == exported


def test_round_trip_through_yaml_and_json_gives_the_same_strategy(document):
    strategy = import_new(document)
    exported = strategy_export(strategy=strategy)
    for fmt in ("yaml", "json"):
        text = strategy_dumps(strategy=strategy, fmt=fmt)
        Deliverable.objects.all().delete()  # themes protect their deliverables
        Strategy.objects.all().delete()
        Organisation.objects.all().delete()
        strategy = import_new(json.loads(text) if fmt == "json" else yaml.safe_load(text))
        assert strategy_export(strategy=strategy) == exported


def test_a_broken_document_names_every_problem_and_changes_nothing(document):
    import_new(document)
    before = counts()
    document["strategy"]["title"] = "Changed title"
    document["deliverables"].append({"reference": "T-01", "title": "Duplicate", "theme": 9, "owner": "nobody"})
    document["deliverables"][0]["principles"].append({"number": 7})
    with pytest.raises(StrategyImportError) as excinfo:
        strategy_import(data=document)
    places = dict(excinfo.value.problems)
    assert "there is no theme number 9" in places["deliverables[1].theme"]
    assert places["deliverables[1].owner"] == (
        "nobody is not one of this strategy's people: invite them in People and roles first"
    )
    assert "used twice" in places["deliverables[1].reference"]
    assert "there is no principle number 7" in places["deliverables[0].principles[1].number"]
    assert counts() == before
    assert Strategy.objects.get().title == "Digital Test Strategy"


def test_export_and_import_commands(tmp_path, document):
    import_new(document)
    out = tmp_path / "strategy.json"
    call_command("export_strategy", "digital-test", "-o", str(out))
    assert json.loads(out.read_text())["deliverables"][0]["reference"] == "T-01"
    call_command("import_strategy", str(out))

    bad = tmp_path / "bad.yaml"
    bad.write_text("format: digital-strategy-portal/1\nstrategy: [unclosed\n")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_strategy", str(bad))
    with pytest.raises(CommandError, match="no strategy with the slug"):
        call_command("export_strategy", "missing")


def test_re_import_after_progress_keeps_completions_updates_and_evidence(document):
    """Officers' progress (milestone completions, updates, evidence) is not the file's to change: a re-import of
    the document the strategy was set up from, which knows nothing of it, leaves it all as it was."""
    document["deliverables"][0]["milestones"].append({"title": "Go live", "due_date": "2026-02-01"})
    strategy = import_new(document)
    deliverable = strategy.deliverables.get()
    beta, go_live = deliverable.milestones.get(title="Beta live"), deliverable.milestones.get(title="Go live")
    period = strategy.periods.order_by("start_date").first()
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=period, state="accepted")
    update.milestones_completed.set([go_live])
    Milestone.objects.filter(pk=go_live.pk).update(completed_on="2025-09-15")  # recorded by an officer
    evidence = Evidence.objects.create(update=update, kind="note", note="Minutes kept", added_by=update.author)
    document["deliverables"][0]["milestones"][0]["completed_on"] = None  # the file says nothing of completions
    document["deliverables"][0]["title"] = "New website (renamed)"  # while the structure does change

    strategy_import(data=document)

    deliverable.refresh_from_db()
    assert deliverable.title == "New website (renamed)"
    beta.refresh_from_db(), go_live.refresh_from_db()
    assert (str(beta.completed_on), str(go_live.completed_on)) == ("2025-11-20", "2025-09-15")
    update.refresh_from_db()
    assert update.state == "accepted" and list(update.milestones_completed.all()) == [go_live]
    assert list(update.evidence.all()) == [evidence]


def test_a_milestone_new_to_the_portal_takes_its_completion_from_the_file(document):
    document["deliverables"][0]["milestones"].append({"title": "Alpha", "completed_on": "2025-06-01"})
    strategy = import_new(document)
    assert str(strategy.deliverables.get().milestones.get(title="Alpha").completed_on) == "2025-06-01"


def test_the_responsible_officer_travels_with_the_file_and_a_file_without_one_keeps_the_portals(document):
    document["strategy"]["responsible_officer"] = "Director of Digital"
    strategy = import_new(document)
    assert strategy.responsible_officer == "Director of Digital"
    assert strategy_export(strategy=strategy)["strategy"]["responsible_officer"] == "Director of Digital"
    Strategy.objects.filter(pk=strategy.pk).update(responsible_officer="Chief Digital Officer")  # Council details
    del document["strategy"]["responsible_officer"]
    strategy_import(data=document)
    assert Strategy.objects.get(pk=strategy.pk).responsible_officer == "Chief Digital Officer"


def test_owners_and_contributors_must_be_the_strategys_people_and_nobody_can_probe_for_accounts(document):
    """A person with an account but no role in the strategy is refused in the very words used for a name nobody
    has, so a lead cannot find out from an import who has an account in the portal."""
    strategy_import(data={**document, "deliverables": []})
    outsider = factories.UserFactory(username="elsewhere")
    factories.MembershipFactory(user=outsider, strategy=factories.StrategyFactory())  # a role in another strategy
    give_roles("digital-test")
    before = counts()
    document["deliverables"][0]["owner"] = "elsewhere"
    document["deliverables"][0]["contributors"] = ["j.hughes", "no.such.person"]
    with pytest.raises(StrategyImportError) as excinfo:
        strategy_import(data=document)
    assert dict(excinfo.value.problems) == {
        "deliverables[0].owner": (
            "elsewhere is not one of this strategy's people: invite them in People and roles first"
        ),
        "deliverables[0].contributors[1]": (
            "no.such.person is not one of this strategy's people: invite them in People and roles first"
        ),
    }
    assert counts() == before


def test_a_new_strategy_has_no_people_yet_so_its_deliverables_wait_for_the_invitations(document):
    with pytest.raises(StrategyImportError, match="p.shah|priya.shah"):
        strategy_import(data=document)
    assert not Strategy.objects.exists()


def test_an_owner_who_lost_their_role_still_reads_back_so_a_round_trip_stays_exact(document):
    strategy = import_new(document)
    exported = strategy_export(strategy=strategy)
    strategy.memberships.all().delete()  # still the deliverable's owner and contributor
    strategy_import(data=exported)
    assert strategy_export(strategy=strategy) == exported
