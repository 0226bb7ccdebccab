"""Councils: a superuser adds a council and invites its first strategy lead in the portal's screens, so a fresh
install (migrate and createsuperuser, no demo) is enough to start."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import CouncilLead, Membership, User
from aims import rules
from aims.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-Strong-passphrase-2026"


def sign_in(client, username: str, password: str) -> bool:
    """Sign in with a password; a superuser or strategy lead then sets up an authenticator app, as the portal asks
    (tests/sso), with the code the app would show."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = client.post(reverse("login"), {"username": username, "password": password})
    if response.status_code == 302 and response["Location"] == reverse("sso:authenticator_set_up"):
        client.get(response["Location"])
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        response = client.post(response["Location"], {"code": f"{TOTP(device.bin_key).token():06d}"})
    return (
        response.status_code == 302 and response["Location"] != reverse("login") and "_auth_user_id" in client.session
    )


def test_a_fresh_install_needs_only_migrate_and_createsuperuser(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    call_command("migrate", verbosity=0)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "admin-pass-for-the-test-2026")
    call_command("createsuperuser", "--noinput", username="root", email="root@example.gov.uk", verbosity=0)
    assert not Organisation.objects.exists() and not Group.objects.exists()
    assert sign_in(client, "root", "admin-pass-for-the-test-2026")

    assert "There are no councils in the portal yet" in client.get(reverse("people:council_list")).content.decode()
    details = {"name": "Wirral  Council", "address": "Wallasey Town Hall", "email": "digital@wirral.example.gov.uk",
               "telephone": "0151 606 2000", "website": "www.wirral.gov.uk"}  # fmt: skip
    response = client.post(reverse("people:council_add"), details)
    council = Organisation.objects.get()
    assert (council.name, council.slug, council.website) == (
        "Wirral Council",
        "wirral-council",
        "https://www.wirral.gov.uk",
    )
    assert response["Location"] == reverse("people:council_lead_invite", args=["wirral-council"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"full_name": "Ada Jones", "email": "ada@wirral.example.gov.uk"},
                               follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Invitation sent" in page and "ada@wirral.example.gov.uk" in page
    lead = User.objects.get(email="ada@wirral.example.gov.uk")
    assert CouncilLead.objects.filter(user=lead, organisation=council).exists() and not lead.has_usable_password()
    assert not lead.is_staff and not lead.is_superuser and not lead.memberships.exists()
    (email,) = mail.outbox
    assert email.to == ["ada@wirral.example.gov.uk"] and "the strategies of Wirral Council" in email.subject
    assert "Strategy lead" in email.body
    link = re.search(r"http://\S+/invitation/\S+/", email.body).group(0)

    client.logout()
    form_page = client.get(link, follow=True)
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(client, lead.username, NEW_PASSWORD)
    lead = User.objects.get(pk=lead.pk)
    assert rules.is_council_lead(lead, council) and rules.can_set_up_strategy_in(lead, council)
    assert list(rules.councils_led(lead)) == [council]
    assert client.get(reverse("people:council_list")).status_code == 403
    assert client.get("/admin/").status_code == 302  # the admin's own sign-in page: not for council users
    listed = client.get(reverse("home"))
    assert listed.status_code == 200


def test_councils_pages_are_for_superusers_only(client, strategy, lead, officer):
    urls = [
        reverse("people:council_list"),
        reverse("people:council_add"),
        reverse("people:council_lead_invite", args=[strategy.organisation.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302 and client.post(url, {"name": "X"}).status_code == 302
    for person in (lead, officer):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403
            assert (
                client.post(url, {"name": "Sneaky Council", "full_name": "A B", "email": "a@b.gov.uk"}).status_code
                == 403
            )
    assert not Organisation.objects.filter(name="Sneaky Council").exists() and not CouncilLead.objects.exists()
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_councils_page_lists_each_council_with_its_strategies_and_leads(client, django_assert_max_num_queries):
    for n in range(6):
        strategy = factories.StrategyFactory(title=f"Strategy {n}")
        for _ in range(3):
            factories.MembershipFactory(strategy=strategy, role="lead")
        CouncilLead.objects.create(user=factories.UserFactory(), organisation=strategy.organisation)
    client.force_login(factories.UserFactory(username="root", is_superuser=True))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("people:council_list")).content.decode()
    assert page.count("Invite a strategy lead") == 6 and "Strategy 5" in page
    assert all(m.user.display_name in page for m in Membership.objects.all())


def test_a_council_name_already_in_the_portal_is_refused(client):
    factories.OrganisationFactory(name="Halton Borough Council", slug="halton")
    client.force_login(factories.UserFactory(username="root", is_superuser=True))
    page = client.post(reverse("people:council_add"), {"name": "halton borough council"}).content.decode()
    assert "There is a problem" in page and "is already in the portal" in page
    assert Organisation.objects.count() == 1
    page = client.post(
        reverse("people:council_add"), {"name": "", "email": "nope", "website": "not a site"}
    ).content.decode()
    assert "Enter the council&#x27;s name" in page and "Enter an email address in the correct format" in page


def test_inviting_someone_already_a_lead_of_the_council_says_so(client, django_capture_on_commit_callbacks):
    council = factories.OrganisationFactory()
    person = factories.UserFactory(email="lee@example.gov.uk")
    CouncilLead.objects.create(user=person, organisation=council)
    client.force_login(factories.UserFactory(username="root", is_superuser=True))
    url = reverse("people:council_lead_invite", args=[council.slug])
    page = client.post(url, {"full_name": "Lee", "email": "LEE@example.gov.uk"}).content.decode()
    assert "is already a strategy lead of" in page and CouncilLead.objects.count() == 1
    other = factories.OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:council_lead_invite", args=[other.slug]),
            {"full_name": "Lee", "email": "lee@example.gov.uk"},
        )
    assert CouncilLead.objects.filter(user=person, organisation=other).exists()
    assert "given you a role in the strategies of" in mail.outbox[-1].body  # an existing account: no new password


def test_is_council_lead(strategy, lead, officer, outsider):
    council = strategy.organisation
    assert rules.is_council_lead(lead, council)  # a lead of one of its strategies
    assert not rules.is_council_lead(officer, council) and not rules.is_council_lead(outsider, council)
    CouncilLead.objects.create(user=officer, organisation=council)
    officer = User.objects.get(pk=officer.pk)
    assert rules.is_council_lead(officer, council)
    assert set(rules.councils_led(lead)) == {council}
    assert not rules.can_set_up_strategy_in(outsider, council)
