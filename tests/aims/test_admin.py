import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from aims.models import Deliverable

pytestmark = pytest.mark.django_db


def test_strategy_lead_can_set_up_a_strategy_in_the_admin(client):
    call_command("load_demo", verbosity=0)
    lead = User.objects.get(username="lead")
    assert lead.is_staff and Group.objects.get(name="Strategy leads") in lead.groups.all()
    client.force_login(lead)
    for model in ["strategy", "theme", "deliverable", "reportingperiod", "progressupdate"]:
        url = reverse(f"admin:aims_{model}_changelist")
        assert client.get(url, {"q": "digital"}).status_code == 200, model
    deliverable_url = reverse("admin:aims_deliverable_changelist")
    ce01 = Deliverable.objects.get(reference="CE-01")
    page = client.get(deliverable_url, {"strategy__id__exact": ce01.strategy_id, "o": "1"}).content.decode()
    assert "CE-01" in page
    change = client.get(reverse("admin:aims_deliverable_change", args=[ce01.pk])).content.decode()
    assert "Milestones" in change and "Deliverable principles" in change  # inlines
    assert client.get(reverse("admin:principles_principle_changelist")).status_code == 200


def test_officer_cannot_use_the_admin(client):
    call_command("load_demo", verbosity=0)
    client.force_login(User.objects.get(username="officer"))
    response = client.get(reverse("admin:aims_deliverable_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_password_reset_sends_an_email_with_a_working_link(client, officer):
    response = client.post(reverse("password_reset"), {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [officer.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line).strip()
    path = link[link.index("/password-reset/") :]
    response = client.get(path, follow=True)
    assert "new_password1" in response.content.decode()
