"""Who a provider's person is in the portal (sso.services.sign_in_match): the rules, one by one."""

import pytest

from accounts.models import Role
from sso.models import CouncilSignIn, SignInIdentity
from sso.services import SignInRefused, sign_in_match
from tests import factories

pytestmark = pytest.mark.django_db
ISSUER = "https://login.microsoftonline.com/tenant-1/v2.0"


@pytest.fixture
def council(strategy):
    return CouncilSignIn.objects.create(organisation=strategy.organisation, issuer=ISSUER, client_id="c",
                                        client_secret_env="PORTAL_OIDC_SECRET_X")  # fmt: skip


def claims(sub="sub-1", email="ann@council.gov.uk", verified=True, **more):
    return {"sub": sub, "email": email, "email_verified": verified, **more}


def refused(council, **kwargs) -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        sign_in_match(council=council, claims=claims(**kwargs))
    return caught.value


def test_invited_person_is_matched_by_verified_email_then_linked(council, officer):
    officer.email = "Ann@Council.gov.uk"
    officer.save()
    assert sign_in_match(council=council, claims=claims()) == officer
    identity = SignInIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (officer, ISSUER, "sub-1")
    # Once linked, the subject finds them, whatever email the provider sends now.
    assert sign_in_match(council=council, claims=claims(email="ann.lee@newname.gov.uk", verified=False)) == officer
    assert SignInIdentity.objects.count() == 1


def test_entra_domain_owner_verified_claim_counts_as_verified(council, officer):
    officer.email = "ann@council.gov.uk"
    officer.save()
    assert (
        sign_in_match(council=council, claims={"sub": "s", "email": "ann@council.gov.uk", "xms_edov": True}) == officer
    )


def test_unverified_email_is_refused(council, officer):
    officer.email = "ann@council.gov.uk"
    officer.save()
    assert refused(council, verified=False).reason == "email-not-verified"
    assert refused(council, verified="true").reason == "email-not-verified"  # a string is not the boolean true
    assert not SignInIdentity.objects.exists()


def test_unknown_person_is_refused_and_no_account_made(council, django_user_model):
    before = django_user_model.objects.count()
    assert refused(council).reason == "not-invited"
    assert refused(council).page == "no_access"
    assert django_user_model.objects.count() == before


def test_a_person_of_another_council_is_not_matched_by_email(council, outsider):
    outsider.email = "ann@council.gov.uk"
    outsider.save()
    council.allowed_domains = "council.gov.uk"
    council.save()
    assert refused(council).reason == "not-invited"  # nor given a second account with the same address


def test_allowed_domain_creates_an_account_with_no_roles(council, django_user_model):
    council.allowed_domains = "council.gov.uk\nother.gov.uk"
    council.save()
    person = sign_in_match(council=council, claims=claims(given_name="Ann", family_name="Lee"))
    assert person.email == "ann@council.gov.uk" and person.get_full_name() == "Ann Lee"
    assert not person.memberships.exists() and not person.has_usable_password()
    assert SignInIdentity.objects.get().user == person
    assert refused(council, sub="sub-2", email="bob@elsewhere.gov.uk").reason == "not-invited"


def test_deactivated_person_is_refused_by_email_and_by_subject(council, officer, strategy):
    officer.email = "ann@council.gov.uk"
    officer.save()
    sign_in_match(council=council, claims=claims())
    officer.is_active = False
    officer.save()
    officer.memberships.all().delete()  # as the hand-over does
    by_subject = refused(council)
    assert (by_subject.reason, by_subject.page) == ("deactivated", "deactivated")
    SignInIdentity.objects.all().delete()
    assert refused(council).reason == "deactivated"


def test_two_invited_accounts_with_one_email_are_refused(council, strategy):
    for name in ("a1", "a2"):
        person = factories.UserFactory(username=name, email="ann@council.gov.uk")
        factories.MembershipFactory(user=person, strategy=strategy, role=Role.OFFICER)
    assert refused(council).reason == "several-accounts-with-this-email"
