"""The People and roles pages: who may use them (anonymous, wrong role, another strategy's lead, the right lead), the
GOV.UK wording of their errors, and what each POST does."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, strategy, person=None):
    return reverse(f"people:{name}", args=[strategy.slug] + ([person.pk] if person else []))


@pytest.mark.parametrize("name", ["people_list", "invite"])
def test_only_the_strategys_leads(client, strategy, lead, officer, board_member, outsider, name):
    url = _url(name, strategy)
    assert client.get(url).status_code == 302  # anonymous: to sign in
    for refused in (officer, board_member, outsider):  # outsider: a lead of another strategy
        client.force_login(refused)
        assert client.get(url).status_code == 403
        assert client.post(url, {"full_name": "X Y", "email": "x@example.com", "roles": ["lead"]}).status_code == 403
    assert not User.objects.filter(email="x@example.com").exists()
    client.force_login(lead)
    assert client.get(url).status_code == 200


def test_people_page_lists_roles_and_last_sign_in(client, strategy, lead, officer):
    client.force_login(lead)
    page = client.get(_url("people_list", strategy)).content.decode()
    assert 'class="app-table-scroll" role="region"' in page
    assert officer.display_name in page and "Never signed in" in page
    assert "Change roles" in page and "Invite a person" in page
    # Seen as "Remove from strategy"; heard as "Remove <name> from strategy".
    assert f'Remove<span class="govuk-visually-hidden"> {officer.display_name}</span> from strategy' in page
    assert "Recent changes to people and roles" in page
    assert page.count(">Deactivate<") == 1  # the officer; not the lead themself


def test_strategy_page_links_people_for_leads_only(client, strategy, lead, officer):
    url = reverse("aims:strategy_detail", args=[strategy.slug])
    client.force_login(officer)
    assert "People and roles" not in client.get(url).content.decode()
    client.force_login(lead)
    assert "People and roles" in client.get(url).content.decode()


def test_invite_errors_in_govuk_words(client, strategy, lead):
    client.force_login(lead)
    page = client.post(_url("invite", strategy), {"full_name": "Ann Lee", "email": "not-an-email"}).content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "Select at least one role" in page
    assert not User.objects.filter(first_name="Ann").exists()


def test_invite_then_invitation_sent(client, strategy, lead, django_capture_on_commit_callbacks):
    client.force_login(lead)
    data = {"full_name": "Ann Lee", "email": "ann@example.com", "roles": ["officer", "board"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("invite", strategy), data, follow=True)
    page = response.content.decode()
    assert "govuk-panel--confirmation" in page and "Invitation sent" in page and "ann@example.com" in page
    person = User.objects.get(email="ann@example.com")
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {"officer", "board"}
    assert len(mail.outbox) == 1


def test_change_roles_prefilled_and_saved(client, strategy, lead, officer):
    client.force_login(lead)
    page = client.get(_url("roles_change", strategy, officer)).content.decode()
    checked = re.findall(r'value="(\w+)"\s+checked', page)
    assert checked == ["officer"]
    response = client.post(_url("roles_change", strategy, officer), {"roles": ["clerk"]})
    assert response.status_code == 302
    assert list(Membership.objects.filter(user=officer).values_list("role", flat=True)) == ["clerk"]
    assert "Select at least one role" in client.post(_url("roles_change", strategy, officer), {}).content.decode()


def test_lead_cannot_drop_their_own_last_lead_role(client, strategy, lead):
    client.force_login(lead)
    page = client.post(_url("roles_change", strategy, lead), {"roles": ["officer"]}).content.decode()
    assert "would be left without a strategy lead" in page
    assert Membership.objects.filter(user=lead, role=Role.LEAD).exists()


def test_remove_refused_while_owning_deliverables(client, strategy, lead, officer, deliverable):
    client.force_login(lead)
    page = client.get(_url("person_remove", strategy, officer)).content.decode()
    assert "You cannot remove" in page and "still owns 1 deliverable" in page
    assert _url("person_deactivate", strategy, officer) in page
    response = client.post(_url("person_remove", strategy, officer))
    assert response.status_code == 200 and Membership.objects.filter(user=officer).exists()


def test_remove_with_confirmation(client, strategy, lead, other_officer):
    client.force_login(lead)
    assert "Remove from strategy" in client.get(_url("person_remove", strategy, other_officer)).content.decode()
    assert client.post(_url("person_remove", strategy, other_officer)).status_code == 302
    assert not Membership.objects.filter(user=other_officer).exists()


def test_someone_outside_the_strategy_is_not_found(client, strategy, lead, outsider):
    client.force_login(lead)
    assert client.get(_url("roles_change", strategy, outsider)).status_code == 404


def test_deactivate_hands_over_to_a_chosen_officer(client, strategy, lead, officer, other_officer, deliverable):
    client.force_login(lead)
    page = client.get(_url("person_deactivate", strategy, officer)).content.decode()
    assert other_officer.display_name in page and "Who takes over their deliverables?" in page
    page = client.post(_url("person_deactivate", strategy, officer), {}).content.decode()
    assert "Choose who takes over their deliverables" in page
    response = client.post(_url("person_deactivate", strategy, officer), {"reassign_to": other_officer.pk})
    assert response.status_code == 302
    deliverable.refresh_from_db()
    officer.refresh_from_db()
    assert deliverable.owner == other_officer and not officer.is_active


def test_deactivate_refused_when_they_are_in_a_strategy_the_lead_does_not_lead(
    client, strategy, other_strategy, lead, officer
):
    factories.MembershipFactory(user=officer, strategy=other_strategy, role=Role.OFFICER)
    client.force_login(lead)
    assert client.get(_url("person_deactivate", strategy, officer)).status_code == 403
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(_url("person_deactivate", strategy, officer)).status_code == 200


def test_history_names_the_lead_who_deactivated(client, strategy, lead, officer, other_officer):
    client.force_login(lead)
    client.post(_url("person_deactivate", strategy, officer), {"reassign_to": other_officer.pk})
    page = client.get(_url("people_list", strategy)).content.decode()
    assert f"Took the Officer role from {officer.display_name}" in page
    row = Membership.history.filter(user_id=officer.pk, history_type="-").get()
    assert row.history_user == lead


def test_invite_refusal_is_shown_in_the_error_summary(client, strategy, lead, officer):
    client.force_login(lead)
    data = {"full_name": "Someone", "email": officer.email.upper(), "roles": ["officer"]}
    page = client.post(_url("invite", strategy), data).content.decode()
    assert "There is a problem" in page and "already has this role" in page
