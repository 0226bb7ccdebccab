"""Reads of "Councils": every council with its strategies and strategy leads, for superusers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from accounts.models import CouncilLead, Membership, Role
from aims.models import Organisation, Strategy


@dataclass
class CouncilRow:
    organisation: Organisation
    strategies: list[Strategy] = field(default_factory=list)
    leads: list = field(default_factory=list)  # people, by name: council-level leads and leads of its strategies


def council_list() -> list[CouncilRow]:
    """Every council, by name, with its strategies and leads: four queries however many councils."""
    lead_roles = Membership.objects.filter(role=Role.LEAD).select_related("user")
    organisations = Organisation.objects.order_by("name").prefetch_related(
        Prefetch("strategies", queryset=Strategy.objects.order_by("title").prefetch_related(
            Prefetch("memberships", queryset=lead_roles, to_attr="lead_memberships"))),
        Prefetch("council_leads", queryset=CouncilLead.objects.select_related("user")),
    )  # fmt: skip
    rows = []
    for organisation in organisations:
        people = {lead.user for lead in organisation.council_leads.all()}
        for strategy in organisation.strategies.all():
            people |= {m.user for m in strategy.lead_memberships}
        leads = sorted(people, key=lambda p: (p.last_name, p.first_name, p.username))
        rows.append(CouncilRow(organisation, list(organisation.strategies.all()), leads))
    return rows
