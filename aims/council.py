"""The council details a committee report shows: the council's logo with its alternative text, and who reports on a
strategy (its responsible officer). Edited on "Council details" by the strategy's leads. A council itself is added
by a superuser on "Councils" (`organisation_create`)."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from aims.models import Organisation, Strategy
from core import freshness
from core.errors import DomainError


@freshness.atomic
def council_details_update(
    *,
    strategy: Strategy,
    responsible_officer: str,
    logo_alt_text: str,
    logo_png: bytes | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Save the strategy's responsible officer and the council's logo. `logo_png` is a logo already checked and
    encoded again by aims.logos.logo_check; a logo kept or new needs its alternative text."""
    organisation = Organisation.objects.select_for_update().get(pk=strategy.organisation_id)
    old_logo = organisation.logo.name if organisation.logo else ""
    keeps_logo = bool(logo_png) or (bool(old_logo) and not remove_logo)
    if keeps_logo and not logo_alt_text.strip():
        raise DomainError("Enter the logo's alternative text")
    if logo_png:
        organisation.logo.save(f"{uuid.uuid4().hex}.png", ContentFile(logo_png), save=False)
    elif remove_logo:
        organisation.logo = ""
        logo_alt_text = ""
    organisation.logo_alt_text = logo_alt_text.strip()
    organisation.save(update_fields=["logo", "logo_alt_text"])
    Strategy.objects.filter(pk=strategy.pk).update(responsible_officer=responsible_officer.strip())
    freshness.mark(strategy_wide=[strategy.pk], organisations=[organisation.pk])
    if old_logo and old_logo != (organisation.logo.name or ""):
        # Issued reports carry their own copy of the logo (reports/snapshot.py), so the old file is not needed.
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation


def organisation_slug(name: str) -> str:
    """The council's address in the portal, made from its name ("Cheshire East Council" -> cheshire-east-council),
    with a number added if another council has it."""
    base = slugify(name)[:90] or "council"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@freshness.atomic
def organisation_create(
    *, name: str, address: str = "", email: str = "", telephone: str = "", website: str = ""
) -> Organisation:
    """Add a council with its contact details (shown on committee reports). Refuses a name already in the portal."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter the council's name")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise DomainError(f"{name} is already in the portal: choose it on the Councils page instead.")
    organisation = Organisation(
        name=name,
        slug=organisation_slug(name),
        address=address.strip(),
        email=email.strip(),
        telephone=telephone.strip(),
        website=website.strip(),
    )
    organisation.full_clean()
    organisation.save()
    freshness.mark(organisations=[organisation.pk])
    return organisation
