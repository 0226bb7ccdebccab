import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from aims.models import Deliverable
from tests import factories

pytestmark = pytest.mark.django_db


def test_only_superusers_may_use_the_admin(client):
    """A lead of one strategy could list and change another council's deliverables, give themselves the board
    role and accept updates through the admin: the admin checks model permissions only, across every council."""
    call_command("load_demo", verbosity=0)
    ce01 = Deliverable.objects.get(reference="CE-01")
    lead = User.objects.get(username="lead")
    assert not lead.is_staff and not Group.objects.filter(name="Strategy leads").exists()
    # Even a staff account with every model permission is refused: rights in the admin are not per strategy.
    lead.is_staff = True
    lead.save()
    lead.user_permissions.set(Permission.objects.all())
    for username in ["lead", "officer", "board", "clerk"]:
        client.force_login(User.objects.get(username=username))
        for url in [reverse("admin:index"), reverse("admin:aims_deliverable_change", args=[ce01.pk]),
                    reverse("admin:accounts_membership_add")]:  # fmt: skip
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (username, url)
        response = client.post(reverse("admin:aims_deliverable_change", args=[ce01.pk]), {"title": "Changed"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    ce01.refresh_from_db()
    assert ce01.title != "Changed"

    client.force_login(User.objects.get(username="admin"))
    assert client.get(reverse("admin:aims_deliverable_change", args=[ce01.pk])).status_code == 200
    change = client.get(reverse("admin:aims_deliverable_change", args=[ce01.pk])).content.decode()
    assert "Milestones" in change and "Deliverable principles" in change  # inlines


def test_admin_cannot_change_the_workflow_or_evidence(client, deliverable, open_period, officer, board_member):
    """Even a superuser cannot mark an update accepted, choose its reviewer or replace an evidence file in the
    admin: progress changes only through the officer and board screens, files only through the content checks."""
    admin_user = User.objects.create_superuser("root", "root@example.gov.uk", "a-long-admin-password")
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted")
    evidence = factories.EvidenceFactory(update=update, kind="note", note="Checked by audit")
    client.force_login(admin_user)

    page = client.get(reverse("admin:aims_progressupdate_change", args=[update.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="state"' not in body and 'name="reviewer"' not in body and 'name="author"' not in body
    response = client.post(
        reverse("admin:aims_progressupdate_change", args=[update.pk]),
        {"state": "accepted", "reviewer": board_member.pk, "review_comment": "ok", "rag_status": "green",
         "percent_complete": 50, "author": officer.pk},
    )  # fmt: skip
    assert response.status_code == 403
    assert client.get(reverse("admin:aims_progressupdate_add")).status_code == 403
    update.refresh_from_db()
    assert update.state == "submitted" and update.reviewer is None

    # The history "revert" page saves a POST after checking only the view permission.
    record = update.history.first()
    revert = reverse("admin:aims_progressupdate_simple_history", args=[update.pk, record.history_id])
    assert client.get(revert).status_code == 200
    assert client.post(revert, {"state": "accepted", "rag_status": "green", "percent_complete": 50}).status_code == 403
    update.refresh_from_db()
    assert update.state == "submitted"

    html_file = SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>", "text/html")
    response = client.post(
        reverse("admin:aims_evidence_change", args=[evidence.pk]), {"kind": "file", "file": html_file}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:aims_evidence_add")).status_code == 403
    evidence.refresh_from_db()
    assert evidence.kind == "note" and not evidence.file


def test_password_reset_sends_an_email_with_a_working_link(client, officer):
    response = client.post(reverse("password_reset"), {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [officer.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line).strip()
    path = link[link.index("/password-reset/") :]
    response = client.get(path, follow=True)
    assert "new_password1" in response.content.decode()
