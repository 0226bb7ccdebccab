import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, Role, User
from aims.models import (
    RAG,
    Aim,
    Cadence,
    Deliverable,
    Evidence,
    Milestone,
    Organisation,
    ProgressUpdate,
    ReportingPeriod,
    Strategy,
    Theme,
)
from principles.models import DeliverablePrinciple, Principle

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    slug = factory.Sequence(lambda n: f"borough-{n}")
    email = "digital@example.gov.uk"
    telephone = "01234 567890"


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Digital Strategy {n}")
    slug = factory.Sequence(lambda n: f"digital-strategy-{n}")
    start_date = dt.date(2025, 4, 1)
    end_date = dt.date(2028, 3, 31)
    cadence = Cadence.SIX_MONTHLY
    status = Strategy.Status.ADOPTED


class AimFactory(DjangoModelFactory):
    class Meta:
        model = Aim

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Aim {n}")


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Theme {n}")


class DeliverableFactory(DjangoModelFactory):
    class Meta:
        model = Deliverable

    theme = factory.SubFactory(ThemeFactory)
    strategy = factory.LazyAttribute(lambda d: d.theme.strategy)
    reference = factory.Sequence(lambda n: f"D-{n:04d}")
    title = factory.Sequence(lambda n: f"Deliverable {n}")
    owner = factory.SubFactory(UserFactory)
    lead_service = "ICT"
    start_date = dt.date(2025, 4, 1)
    due_date = dt.date(2027, 3, 31)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    deliverable = factory.SubFactory(DeliverableFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = dt.date(2026, 9, 30)


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    strategy = factory.SubFactory(StrategyFactory)
    label = "October 2026 to March 2027"
    start_date = dt.date(2026, 10, 1)
    end_date = dt.date(2027, 3, 31)
    deadline = dt.date(2027, 3, 31)
    status = ReportingPeriod.Status.OPEN


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    deliverable = factory.SubFactory(DeliverableFactory)
    period = factory.SubFactory(PeriodFactory, strategy=factory.SelfAttribute("..deliverable.strategy"))
    rag_status = RAG.GREEN
    percent_complete = 50
    achieved = "Work went to plan."
    author = factory.LazyAttribute(lambda u: u.deliverable.owner)


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    update = factory.SubFactory(ProgressUpdateFactory)
    kind = Evidence.Kind.NOTE
    note = "A note."
    added_by = factory.LazyAttribute(lambda e: e.update.author)


class PrincipleFactory(DjangoModelFactory):
    class Meta:
        model = Principle

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Principle {n}")


class DeliverablePrincipleFactory(DjangoModelFactory):
    class Meta:
        model = DeliverablePrinciple

    deliverable = factory.SubFactory(DeliverableFactory)
    principle = factory.SubFactory(PrincipleFactory, strategy=factory.SelfAttribute("..deliverable.strategy"))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    strategy = factory.SubFactory(StrategyFactory)
    role = Role.OFFICER


class IndicatorFactory(DjangoModelFactory):
    """An indicator without measurement periods; `with_periods()` (tests/indicators) or the services add them."""

    class Meta:
        model = "indicators.Indicator"
        skip_postgeneration_save = True

    strategy = factory.SubFactory(StrategyFactory)
    reference = factory.Sequence(lambda n: f"PI-{n:03d}")
    title = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "percent"
    decimal_places = 1
    polarity = "higher"
    frequency = "quarterly"
    tolerance_kind = "percent"
    tolerance = 5
    owner = factory.SubFactory(UserFactory)
