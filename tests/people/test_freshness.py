"""The People and roles services say what they changed (core/freshness.py), with the safety net switched off: the
walk of tests/aims/test_freshness.py, for these write paths."""

import pytest

from accounts.models import Role
from people import services
from tests import factories
from tests.aims.test_freshness import handed_over, no_safety_net, rose, snapshot, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _lead(w):
    lead = factories.UserFactory(username="lead-fresh")
    factories.MembershipFactory(user=lead, strategy=w.strategy, role=Role.LEAD)
    return lead


def _roles_changed(w):
    lead = _lead(w)
    return lambda: services.roles_change(strategy=w.strategy, person=w.board_member, roles=[Role.CLERK], by=lead)


def _invited(w):
    lead = _lead(w)
    return lambda: services.person_invite(
        strategy=w.strategy, full_name="By Stander", email=w.bystander.email, roles=[Role.BOARD], by=lead
    )


def _removed(w):
    lead = _lead(w)
    return lambda: services.person_remove(strategy=w.strategy, person=w.contributor, by=lead)


def _deactivated(w):
    lead = _lead(w)
    return lambda: services.person_deactivate(person=w.officer, reassign_to=w.other_officer, by=lead)


def _people(*names):
    return lambda w: {"strategies": set(), "deliverables": set(), "people": {getattr(w, n).pk for n in names}}


def _contributor_removed(w):
    return {"strategies": {w.strategy.pk}, "deliverables": {w.mine.pk}, "people": {w.officer.pk, w.contributor.pk}}


CASES = {
    "roles_changed": (_roles_changed, _people("board_member")),
    "existing_account_invited": (_invited, _people("bystander")),
    "contributor_removed": (_removed, _contributor_removed),
    "deactivated": (_deactivated, handed_over),
}


@pytest.mark.parametrize("name", CASES)
def test_people_services_mark_what_they_changed(name, world, no_safety_net):  # noqa: F811 - fixtures
    prepare, expected = CASES[name]
    act = prepare(world)
    before = snapshot()
    act()
    assert rose(before) == expected(world)
