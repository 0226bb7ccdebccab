"""What the API answers and accepts. These Pydantic models are also the OpenAPI description (/api/openapi.json)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from aims import rag, update_states

RagKey = Literal[tuple(status.key for status in rag.REPORTABLE)]  # type: ignore[valid-type]
StatusKey = Literal[tuple(status.key for status in rag.RAG_TABLE)]  # type: ignore[valid-type]
StateKey = Literal[tuple(state.key for state in update_states.STORED)]  # type: ignore[valid-type]
Access = Literal["full", "public"]


class Page(Schema):
    count: int = Field(description="How many items there are in all, on every page.")
    limit: int
    offset: int
    next: str | None = Field(description="The address of the next page, or null on the last.")
    previous: str | None = Field(description="The address of the previous page, or null on the first.")


class Organisation(Schema):
    name: str
    slug: str


class StrategyOut(Schema):
    slug: str
    title: str
    organisation: Organisation
    summary: str
    vision: str
    start_date: dt.date
    end_date: dt.date
    cadence: str
    status: str
    is_published: bool
    access: Access = Field(
        description="`full`: you may view this strategy on the portal's screens, and read what they show. "
        "`public`: it is published, and you read its public data only."
    )
    aim_label: str
    theme_label: str


class StrategyPage(Page):
    items: list[StrategyOut]


class AimOut(Schema):
    id: int
    number: int
    title: str
    description: str


class AimPage(Page):
    items: list[AimOut]


class ThemeOut(Schema):
    id: int
    number: int
    title: str
    vision: str
    expected_outcomes: str
    aim_ids: list[int]


class ThemePage(Page):
    items: list[ThemeOut]


class PeriodOut(Schema):
    id: int
    label: str
    start_date: dt.date
    end_date: dt.date
    deadline: dt.date
    status: Literal["upcoming", "open", "closed"]


class PeriodPage(Page):
    items: list[PeriodOut]


class Figures(Schema):
    """A deliverable's figures for one period, as the dashboard, its CSV and the committee report count them."""

    period_id: int
    period_label: str
    status: StatusKey = Field(description="The RAG status the figures count, `no_update` or `awaiting_review`.")
    status_label: str
    percent_complete: int = Field(description="Reported, else carried forward from an earlier period, else 0.")
    reported_percent: int | None = Field(description="This period's counted percent complete, if any.")
    carried_forward_from: str | None = Field(description="The period the percent is carried forward from.")
    direction: Literal["better", "same", "worse", ""]
    overdue: bool


class DeliverableOut(Schema):
    id: int
    strategy: str = Field(description="The strategy's slug.")
    reference: str
    title: str
    description: str
    expected_outcome: str
    theme_id: int
    lead_service: str
    start_date: dt.date | None
    due_date: dt.date | None
    is_active: bool
    owner: str | None = Field(description="The owner's name; null for public callers.")
    figures: Figures | None = Field(description="For the period asked for (or the default); null if none.")


class DeliverablePage(Page):
    items: list[DeliverableOut]


class UpdateOut(Schema):
    id: int
    deliverable_id: int
    period_id: int
    period_label: str
    state: StateKey = Field(description="Public callers only ever see `accepted` updates of closed periods.")
    rag_status: RagKey | Literal[""]
    percent_complete: int | None
    achieved: str | None = Field(description="null for public callers, as the other text answers.")
    next_steps: str | None
    risks_issues: str | None
    corrective_action: str | None
    author: str | None = Field(description="Names are null for public callers.")
    reviewer: str | None
    review_comment: str | None
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    version: int | None = Field(description="Send it back when you change the update; null for public callers.")


class UpdatePage(Page):
    items: list[UpdateOut]


class UpdateIn(Schema):
    """A draft progress update's answers, as on the portal's progress form. Every answer is replaced."""

    rag_status: RagKey | Literal[""] = Field("", description="Blank is allowed in a draft.")
    percent_complete: int | None = Field(None, ge=0, le=100)
    achieved: str = Field("", max_length=20000)
    next_steps: str = Field("", max_length=20000)
    risks_issues: str = Field("", max_length=20000)
    corrective_action: str = Field("", max_length=20000)
    version: int = Field(
        ge=0, le=2_147_483_647, description="The version you read (0 when the update does not exist yet)."
    )


class SubmitIn(Schema):
    version: int = Field(ge=0, le=2_147_483_647, description="The version you checked: nothing newer is submitted.")


IndicatorStatusKey = Literal["green", "amber", "red", "no_data", "no_target"]
IndicatorDirection = Literal["improving", "same", "worsening"] | None


class IndicatorOut(Schema):
    """A performance indicator with its figure for a reporting period, as the indicators dashboard shows it."""

    id: int
    strategy: str = Field(description="The strategy's slug.")
    reference: str
    title: str
    unit: Literal["number", "percent", "pounds", "days", "rate_per_1000"]
    decimal_places: int
    polarity: Literal["higher", "lower", "range"]
    frequency: Literal["monthly", "quarterly", "six_monthly", "annual"]
    is_published: bool
    owner: str | None = Field(description="The owner's name; null for public callers.")
    status: IndicatorStatusKey = Field(description="Of the figure shown, against its period's target.")
    measurement_period: str = Field(description="Which measurement period the figure (or target) is of; may be ''.")
    value: str | None = Field(description="The latest accepted figure by the period's end, as a decimal; or null.")
    value_text: str = Field(description="The figure as the portal shows it, with its unit.")
    target_text: str
    direction_previous: IndicatorDirection = Field(description="Against the previous measurement.")
    direction_year: IndicatorDirection = Field(description="Against the same period a year earlier.")


class IndicatorPage(Page):
    period_id: int | None = Field(description="The reporting period the figures are for (null: the latest figures).")
    items: list[IndicatorOut]


class MeasurementOut(Schema):
    """One of the indicator's measurement periods: its target and its accepted (reported) figure."""

    period_id: int
    label: str
    start_date: dt.date
    end_date: dt.date
    target_text: str
    value: str | None = Field(description="The latest accepted figure, as a decimal; null if none.")
    value_text: str
    status: IndicatorStatusKey
    pending_state: Literal["draft", "submitted", "returned"] | None = Field(
        description="A figure recorded but not accepted yet (null for public callers)."
    )
    pending_version: int | None = Field(description="Its version, to send back when you change it (full access).")


class IndicatorDetailOut(IndicatorOut):
    definition: str
    series: list[MeasurementOut]


def _json_integer(value):
    """As JSON Schema's integer: 3 or 3.0, never false or "3"."""
    if isinstance(value, (bool, str)):
        raise ValueError("Enter a whole number")
    return value


def _json_boolean(value):
    if not isinstance(value, bool):
        raise ValueError("Enter true or false")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text cannot contain the NUL character")
    return value


class ActualIn(Schema):
    """An indicator's figure for one measurement period, as on "Record an actual". Every answer is replaced."""

    value: str | None = Field(
        None, pattern=r"^-?[0-9]{1,14}(\.[0-9]{1,4})?$",
        description='The figure as a decimal string, such as "81.5" (up to 4 decimal places); a draft may omit it.',
    )  # fmt: skip
    not_available: bool = Field(False, description="The data is not yet available (then send `expected_on`).")
    expected_on: dt.date | None = Field(None, description="When the data is expected, if not yet available.")
    note: str = Field("", max_length=20000)
    evidence_url: str = Field("", max_length=2000, pattern=r"^(https?://\S+)?$", description="A web link, or ''.")
    version: int = Field(ge=0, le=2_147_483_647, description="The version you read (0 when there is no figure yet).")

    _note_nul = field_validator("note", "evidence_url")(_no_nul)
    _version_integer = field_validator("version", mode="before")(_json_integer)
    _not_available_boolean = field_validator("not_available", mode="before")(_json_boolean)


class ActualOut(Schema):
    id: int
    indicator_id: int
    period_id: int
    period_label: str
    revision: int = Field(description="1 for the first figure; a correction of an accepted figure is a new revision.")
    state: Literal["draft", "submitted", "accepted", "returned"]
    value: str | None
    value_text: str
    not_available: bool
    expected_on: dt.date | None
    note: str
    evidence_url: str
    submitted_at: dt.datetime | None
    version: int
