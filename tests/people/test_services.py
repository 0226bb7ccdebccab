"""People and roles: inviting, the set-password link, changing and removing roles, deactivating."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, User
from core.errors import DomainError
from people import selectors, services
from people.tokens import invitation_token
from tests import factories

pytestmark = pytest.mark.django_db


def _roles(strategy, person):
    return set(Membership.objects.filter(strategy=strategy, user=person).values_list("role", flat=True))


def _link(message) -> str:
    return re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)


def test_invite_creates_an_account_without_a_usable_password(strategy, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.person_invite(
            strategy=strategy, full_name="Priya Shah", email="Priya.Shah@Example.gov.uk", roles=[Role.OFFICER], by=lead
        )
    person = invitation.person
    assert invitation.created and person.username == "priya.shah@example.gov.uk"
    assert (person.first_name, person.last_name) == ("Priya", "Shah")
    assert not person.has_usable_password()
    assert _roles(strategy, person) == {Role.OFFICER}
    (message,) = mail.outbox
    assert message.to == ["Priya.Shah@Example.gov.uk"] and "/invitation/" in message.body
    assert "priya.shah@example.gov.uk" in message.body  # their username


def test_inviting_an_existing_account_adds_roles_and_says_so(strategy, lead, django_capture_on_commit_callbacks):
    existing = factories.UserFactory(username="jo", email="jo.bloggs@example.gov.uk")
    factories.MembershipFactory(user=existing, strategy=strategy, role=Role.BOARD)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.person_invite(
            strategy=strategy, full_name="Someone Else", email="JO.BLOGGS@example.gov.uk", roles=[Role.CLERK], by=lead
        )
    assert not invitation.created and invitation.person == existing
    assert User.objects.filter(email__iexact="jo.bloggs@example.gov.uk").count() == 1
    assert _roles(strategy, existing) == {Role.BOARD, Role.CLERK}
    (message,) = mail.outbox
    assert "new role" in message.subject and "/invitation/" not in message.body and "Committee clerk" in message.body


def test_invite_needs_a_role(strategy, lead):
    with pytest.raises(DomainError, match="Select at least one role"):
        services.person_invite(strategy=strategy, full_name="A B", email="a@example.com", roles=[], by=lead)


def test_the_link_works_once(client, strategy, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            strategy=strategy, full_name="Ann Lee", email="ann@example.com", roles=["officer"], by=lead
        )
    link = _link(mail.outbox[0])
    page = client.get(link, follow=True)
    assert b"Set your password" in page.content
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-long-pass-phrase-9", "new_password2": "a-long-pass-phrase-9"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert User.objects.get(email="ann@example.com").check_password("a-long-pass-phrase-9")

    client.logout()
    again = client.get(link, follow=True)
    assert b"This link has expired or has already been used" in again.content
    assert b"Set your password" not in again.content


def test_the_link_expires(client, strategy, lead, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            strategy=strategy, full_name="Ann Lee", email="ann@example.com", roles=["officer"], by=lead
        )
    person = User.objects.get(email="ann@example.com")
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert invitation_token.check_token(person, token)
    settings.INVITATION_TIMEOUT = -1
    assert not invitation_token.check_token(person, token)
    assert b"This link has expired or has already been used" in client.get(_link(mail.outbox[0]), follow=True).content


def test_a_password_reset_link_is_no_invitation(strategy, lead):
    from django.contrib.auth.tokens import default_token_generator

    assert not invitation_token.check_token(lead, default_token_generator.make_token(lead))


def test_roles_change_and_history(strategy, lead, officer):
    services.roles_change(strategy=strategy, person=officer, roles=[Role.BOARD], by=lead)
    assert _roles(strategy, officer) == {Role.BOARD}
    whats = [change.what for change in selectors.recent_role_changes(strategy=strategy)]
    name = officer.display_name
    assert f"Gave {name} the Digital Board member role" in whats and f"Took the Officer role from {name}" in whats
    assert {change.by for change in selectors.recent_role_changes(strategy=strategy)[:2]} == {str(lead)}


def test_a_lead_cannot_leave_the_strategy_without_a_lead(strategy, lead):
    with pytest.raises(DomainError, match="without a strategy lead"):
        services.roles_change(strategy=strategy, person=lead, roles=[Role.OFFICER], by=lead)
    with pytest.raises(DomainError, match="without a strategy lead"):
        services.person_remove(strategy=strategy, person=lead, by=lead)
    assert _roles(strategy, lead) == {Role.LEAD}
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    services.roles_change(strategy=strategy, person=lead, roles=[Role.OFFICER], by=admin)
    assert _roles(strategy, lead) == {Role.OFFICER}


def test_a_lead_may_step_down_when_another_lead_remains(strategy, lead):
    second = factories.UserFactory(username="lead2")
    factories.MembershipFactory(user=second, strategy=strategy, role=Role.LEAD)
    services.roles_change(strategy=strategy, person=lead, roles=[Role.OFFICER], by=lead)
    assert _roles(strategy, lead) == {Role.OFFICER}


def test_removal_refused_while_they_own_deliverables(strategy, lead, officer, deliverable):
    with pytest.raises(DomainError, match="still owns 1 deliverable"):
        services.person_remove(strategy=strategy, person=officer, by=lead)
    assert _roles(strategy, officer) == {Role.OFFICER}


def test_removal_takes_roles_and_contributions(strategy, lead, officer, other_officer, deliverable):
    deliverable.contributors.add(other_officer)
    services.person_remove(strategy=strategy, person=other_officer, by=lead)
    assert _roles(strategy, other_officer) == set()
    assert not deliverable.contributors.filter(pk=other_officer.pk).exists()
    other_officer.refresh_from_db()
    assert other_officer.is_active


def test_deactivate_hands_over(strategy, lead, officer, other_officer, deliverable):
    services.person_deactivate(person=officer, reassign_to=other_officer, by=lead)
    deliverable.refresh_from_db()
    officer.refresh_from_db()
    assert deliverable.owner == other_officer and not officer.is_active
    assert _roles(strategy, officer) == set()


def test_inviting_someone_for_roles_they_hold_is_refused(strategy, lead, officer):
    with pytest.raises(DomainError, match="already has this role"):
        services.person_invite(strategy=strategy, full_name="X", email=officer.email, roles=[Role.OFFICER], by=lead)


def test_inviting_again_before_the_password_is_set_sends_a_new_link(strategy, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            strategy=strategy, full_name="Ann Lee", email="ann@example.com", roles=["officer"], by=lead
        )
        services.person_invite(
            strategy=strategy, full_name="Ann Lee", email="ANN@example.com", roles=["board"], by=lead
        )
    assert User.objects.filter(email__iexact="ann@example.com").count() == 1
    assert len(mail.outbox) == 2 and all("/invitation/" in message.body for message in mail.outbox)


def test_a_deactivated_persons_invitation_no_longer_works(
    client, strategy, lead, other_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            strategy=strategy, full_name="Ann Lee", email="ann@example.com", roles=["officer"], by=lead
        )
    services.person_deactivate(person=User.objects.get(email="ann@example.com"), reassign_to=other_officer, by=lead)
    assert b"This link has expired or has already been used" in client.get(_link(mail.outbox[0]), follow=True).content
