"""'Council details': the council's logo (checked by content, with required alternative text) and the strategy's
responsible officer, who committee reports are "of" by default."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from aims.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def image(kind="PNG", size=(400, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#1d70b8").save(out, kind)
    return out.getvalue()


def test_council_details_anonymous_wrong_role_and_lead(client, strategy, lead, clerk, officer, outsider):
    url = reverse("aims:council_details", args=[strategy.slug])
    assert client.get(url).status_code == 302
    for person in (clerk, officer, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"responsible_officer": "x"}).status_code == 403
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "Council details" in page and 'enctype="multipart/form-data"' in page


def test_a_lead_uploads_a_logo_with_its_alternative_text_and_sets_the_responsible_officer(client, strategy, lead):
    client.force_login(lead)
    url = reverse("aims:council_details", args=[strategy.slug])
    jpeg = SimpleUploadedFile("crest.jpg", image("JPEG"), content_type="image/jpeg")
    response = client.post(url, {"responsible_officer": "Director of Digital", "logo": jpeg,
                                 "logo_alt_text": "Borough Council"})  # fmt: skip
    assert response.status_code == 302
    strategy.refresh_from_db()
    organisation = strategy.organisation
    assert strategy.responsible_officer == "Director of Digital"
    assert organisation.logo_alt_text == "Borough Council"
    stored = organisation.logo.read()
    assert stored.startswith(b"\x89PNG")  # encoded again from its pixels
    page = client.get(url).content.decode()
    assert 'alt="Borough Council"' in page and "Remove the current logo" in page
    logo = client.get(reverse("aims:council_logo", args=[strategy.slug]))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert logo["X-Content-Type-Options"] == "nosniff"
    # The report form's "Report of" now starts from the responsible officer.
    from reports.services import report_defaults

    period = factories.PeriodFactory(strategy=strategy)
    assert report_defaults(strategy=strategy, period=period, user=lead)["report_of"] == "Director of Digital"


@pytest.mark.parametrize(
    ("upload", "alt", "message"),
    [
        (("logo.png", image(), "image/png"), "", "Enter the logo&#x27;s alternative text"),
        (("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"), "Council", "must be a PNG or JPEG"),
        (("logo.png", b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "image/png"), "Council", "damaged or is not a real"),
        (("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10), "image/png"), "Council", "smaller than 2 MB"),
    ],
)
def test_a_wrong_logo_is_refused_with_an_error_summary(client, strategy, lead, upload, alt, message):
    client.force_login(lead)
    name, content, content_type = upload
    response = client.post(
        reverse("aims:council_details", args=[strategy.slug]),
        {"logo": SimpleUploadedFile(name, content, content_type=content_type), "logo_alt_text": alt},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page
    assert not Organisation.objects.get(pk=strategy.organisation_id).logo


def test_the_database_refuses_a_logo_without_alternative_text(strategy):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=strategy.organisation_id).update(logo="logos/x.png", logo_alt_text="")


def test_a_logo_refused_for_want_of_alternative_text_leaves_no_file_behind(strategy, settings):
    from pathlib import Path

    from aims import council
    from core.errors import DomainError

    with pytest.raises(DomainError, match="alternative text"):
        council.council_details_update(strategy=strategy, responsible_officer="", logo_alt_text=" ", logo_png=image())
    assert not list(Path(settings.MEDIA_ROOT).glob("logos/*"))
