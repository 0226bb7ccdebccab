"""Setting a password, after a reset or from an invitation, shows its errors the GOV.UK way (one shared form)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

pytestmark = pytest.mark.django_db


def test_a_reset_link_sets_a_new_password_and_shows_mismatches_in_the_summary_and_at_the_field(client, officer):
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(officer)])
    form_url = client.get(link).url  # Django swaps the token for a session key first
    page = client.get(form_url).content.decode()
    assert "Set a new password" in page and 'for="id_new_password1">New password</label>' in page
    response = client.post(form_url, {"new_password1": "a long passphrase 1", "new_password2": "another one 2"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert '<a href="#id_new_password2">' in page and 'id="id_new_password2-error"' in page
    response = client.post(form_url, {"new_password1": "a long passphrase 1", "new_password2": "a long passphrase 1"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a long passphrase 1")
