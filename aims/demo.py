"""Demo data: three councils' digital strategies (and Cheshire West and Chester's data strategy, linked to its
digital strategy), demo logins, progress history and evidence.

`load_demo` imports the strategy documents in aims/demo/ through the ordinary importer, creates the demo
people and their roles, and invents several years of progress for every deliverable. It is idempotent: rows
are matched by natural keys and only saved when a value differs, so a second run changes nothing. Invented
values come from a `random.Random` seeded per strategy and deliverable, and from `today`, never from the clock,
so the same `today` always gives the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import NAME_FIELDS, Membership, Role, User
from aims.links import strategy_links_set
from aims.models import (
    CADENCE_MONTHS,
    RAG,
    Aim,
    Cadence,
    Deliverable,
    Evidence,
    Milestone,
    ProgressUpdate,
    ReportingPeriod,
    Strategy,
    Theme,
)
from aims.services import add_months, period_label, period_status_on
from aims.strategy_io import strategy_import
from core import freshness
from principles.models import DeliverablePrinciple, Principle

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_FILES = ["cheshire-east.yaml", "cheshire-west.yaml", "cheshire-west-data.yaml", "stockport.yaml"]
DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 (demo logins only; refused in production)
LEADS_GROUP = "Strategy leads"


class DemoRefused(Exception):
    """The demo cannot be loaded here."""


# People


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    job_title: str
    service: str
    telephone: str
    can_do: str = "Records progress on the deliverables they own"
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.gov.uk".lower()


DEMO_LOGINS = [
    DemoPerson(
        "officer",
        "Priya",
        "Shah",
        "Head of Customer Services",
        "Customer Services",
        "01632 960 401",
        "Officer: records progress on deliverables in Cheshire East and Cheshire West and Chester (both strategies)",
    ),
    DemoPerson(
        "board",
        "David",
        "Fletcher",
        "Director of Finance and Customer Services, Digital Board chair",
        "Corporate Services",
        "01632 960 402",
        "Board member: reads dashboards, accepts or returns updates in all four strategies",
    ),
    DemoPerson(
        "clerk",
        "Rachel",
        "Moss",
        "Democratic Services Officer",
        "Democratic Services",
        "01632 960 403",
        "Committee clerk: produces and publishes progress reports for all four strategies",
    ),
    DemoPerson(
        "lead",
        "Tom",
        "Ashworth",
        "Digital Strategy Manager",
        "Transformation and Programme Office",
        "01632 960 404",
        "Strategy lead: people and roles, spreadsheets, council details and reports for all four strategies",
    ),
    DemoPerson(
        "admin",
        "Sam",
        "Okafor",
        "ICT Systems Administrator",
        "ICT Services",
        "01632 960 405",
        "Superuser: everything, including the Django admin",
        is_staff=True,
        is_superuser=True,
    ),
]

EXTRA_OFFICERS = [
    DemoPerson("s.patel", "Sanjay", "Patel", "ICT Infrastructure Manager", "ICT Services", "01632 960 411"),
    DemoPerson("j.hughes", "Jenny", "Hughes", "Economic Development Manager", "Economic Development", "01632 960 412"),
    DemoPerson("k.lewis", "Kate", "Lewis", "Head of Business Intelligence", "Business Intelligence", "01632 960 413"),
    DemoPerson("l.morgan", "Laura", "Morgan", "Libraries and Digital Inclusion Manager", "Libraries", "01632 960 414"),
    DemoPerson("r.evans", "Rhys", "Evans", "Technology Enabled Care Manager", "Adult Social Care", "01632 960 415"),
    DemoPerson(
        "a.khan",
        "Aisha",
        "Khan",
        "Head of Digital, Data and Technology",
        "Digital, Data and Technology",
        "01632 960 416",
    ),
    DemoPerson(
        "c.roberts",
        "Chris",
        "Roberts",
        "Communities and Libraries Manager",
        "Libraries and Communities",
        "01632 960 417",
    ),
    DemoPerson("d.wilson", "Dan", "Wilson", "Business Growth Manager", "Business Growth", "01632 960 418"),
    DemoPerson(
        "b.murphy", "Bernadette", "Murphy", "Adult Social Care Digital Lead", "Adult Social Care", "01632 960 419"
    ),
    DemoPerson("n.begum", "Nazia", "Begum", "Digital Inclusion Lead", "Digital Inclusion", "01632 960 420"),
    DemoPerson(
        "c.walsh", "Ciaran", "Walsh", "Smart Places Programme Manager", "Place and Regeneration", "01632 960 421"
    ),
    DemoPerson("e.taylor", "Emma", "Taylor", "Head of Data and Insight", "Data and Insight", "01632 960 422"),
    DemoPerson("g.price", "George", "Price", "Digital Services Manager", "Digital Services", "01632 960 423"),
    DemoPerson(
        "h.clarke",
        "Hannah",
        "Clarke",
        "Adult Social Care Transformation Manager",
        "Adult Social Care",
        "01632 960 424",
    ),
]

# Roles held by the five demo logins, by strategy slug. Extra officers get the officer role where they own or
# contribute to a deliverable.
ALL_SLUGS = [
    "cheshire-east-digital-strategy",
    "cheshire-west-digital-borough",
    "cheshire-west-data-to-impact",
    "stockport-radically-digital",
]
DEMO_ROLES: dict[str, list[tuple[str, str]]] = {
    "lead": [(slug, Role.LEAD) for slug in ALL_SLUGS],
    "board": [(slug, Role.BOARD) for slug in ALL_SLUGS],
    "clerk": [(slug, Role.CLERK) for slug in ALL_SLUGS],
    "officer": [(slug, Role.OFFICER) for slug in ALL_SLUGS[:3]],
}
# Strategies adopted together (seed 002: Cabinet approved the digital and the data strategy on 10 December 2025).
DEMO_LINKS = [("cheshire-west-digital-borough", "cheshire-west-data-to-impact")]


# How each strategy's story goes


@dataclass(frozen=True)
class Storyline:
    """Which deliverables struggle, and where each one stands in the open period."""

    troubled: frozenset[str] = frozenset()  # slip, go red for a period or two, then recover (and finish late)
    overdue: frozenset[str] = frozenset()  # due date passes without completion; red once overdue
    awaiting_review: frozenset[str] = frozenset()  # left submitted (not yet accepted) in the latest closed period
    open_updates: dict[str, str] = field(default_factory=dict)  # reference -> state in the open period
    # Any other deliverable still running has no update in the open period yet, so the chase list has names on it.


STORYLINES = {
    "cheshire-east-digital-strategy": Storyline(
        troubled=frozenset({"CE-03", "CE-17"}),
        overdue=frozenset({"CE-06", "CE-08", "CE-15"}),
        awaiting_review=frozenset({"CE-07", "CE-08", "CE-18"}),
        open_updates={
            "CE-06": "submitted",
            "CE-08": "draft",
            "CE-13": "draft",
            "CE-18": "submitted",
            "CE-20": "submitted",
            "CE-21": "returned",
        },
    ),
    "cheshire-west-digital-borough": Storyline(
        troubled=frozenset({"CWAC-02", "CWAC-12", "CWAC-14"}),
        overdue=frozenset({"CWAC-06", "CWAC-09"}),
        awaiting_review=frozenset({"CWAC-02", "CWAC-06", "CWAC-10", "CWAC-15"}),
        open_updates={
            "CWAC-04": "returned",
            "CWAC-09": "draft",
            "CWAC-10": "draft",
            "CWAC-13": "submitted",
            "CWAC-14": "submitted",
            "CWAC-15": "draft",
            "CWAC-19": "draft",
        },
    ),
    "stockport-radically-digital": Storyline(
        troubled=frozenset({"SMBC-04", "SMBC-10", "SMBC-11"}),
        overdue=frozenset({"SMBC-06"}),
        awaiting_review=frozenset({"SMBC-06", "SMBC-12"}),
        open_updates={"SMBC-07": "draft", "SMBC-10": "submitted", "SMBC-12": "returned", "SMBC-15": "draft"},
    ),
}


# Words for progress updates. Placeholders: {service}, {milestones}, {next}, {cause}, {date}, {outcome}.

CAUSES = [
    "two experienced members of the {service} team left and their posts are still being filled",
    "the supplier's delivery slipped by several weeks",
    "staff were moved to cover winter pressures in {service}",
    "the link to the back-office system proved more complex than expected",
    "procurement took longer than planned after the first tender attracted no compliant bids",
    "we are still waiting for data from a partner organisation",
    "testing found accessibility problems that had to be fixed before launch",
    "the budget was only confirmed late in the period",
]
ACHIEVED = {
    RAG.NOT_STARTED: [
        "Work has not started yet: the project was only mobilised near the end of the period. Scoping meetings "
        "with {service} are booked.",
        "Not started. The project board has met once and agreed the terms of reference; delivery starts next period.",
    ],
    RAG.GREEN: [
        "{milestones} The {service} team kept to the agreed plan this period.",
        "Work moved on as planned. {milestones} Early feedback from users has been positive.",
        "{milestones} Sessions with frontline staff confirmed the new process works for them.",
        "Good progress. {milestones} Spending is within the approved budget.",
        "{milestones} Testing with residents, including people who use assistive technology, found only minor "
        "issues, which have been fixed.",
        "{milestones} A show-and-tell for councillors and partners was well attended.",
    ],
    RAG.AMBER: [
        "{milestones} Progress is slower than planned because {cause}.",
        "Some progress, but behind plan: {cause}. {milestones}",
        "{milestones} The team has kept going, although {cause}.",
    ],
    RAG.RED: [
        "Little progress this period because {cause}. {milestones}",
        "Delivery has stalled: {cause}. {milestones}",
        "The project is well behind plan. {cause_sentence} {milestones}",
    ],
    RAG.COMPLETE: [
        "All milestones are delivered and the work has passed to {service} as business as usual. Benefits will "
        "now be tracked against the expected outcome: {outcome}",
        "Complete. The closure report was agreed by the project board and lessons learned were shared with the "
        "Digital Board. Expected outcome: {outcome}",
    ],
}
NEXT_STEPS = {
    RAG.NOT_STARTED: ["Appoint the project team and agree the plan.", "Agree scope and milestones with {service}."],
    RAG.GREEN: [
        "Keep to plan. Next milestone: {next}.",
        "Report progress to the Digital Board and keep working towards the next milestone: {next}.",
        "Start planning how benefits will be measured. Next milestone: {next}.",
        "Continue delivery with {service}. Next milestone: {next}.",
    ],
    RAG.AMBER: [
        "Agree a revised timetable with the project sponsor. Next milestone: {next}.",
        "Bring in extra help to recover the plan. Next milestone: {next}.",
        "Review scope with {service} managers and confirm a realistic date for the next milestone: {next}.",
    ],
    RAG.RED: [
        "Carry out the recovery plan and report back to the Digital Board next month.",
        "Take a revised plan to the Digital Board, then restart work on the next milestone: {next}.",
    ],
    RAG.COMPLETE: ["None: the deliverable is complete. Benefits will be reported in the annual review."],
}
RISKS = {
    RAG.NOT_STARTED: ["None identified yet."],
    RAG.GREEN: [
        "No new risks.",
        "None beyond those already on the project risk register.",
        "Staff availability over the holiday period could delay testing; this is being managed.",
        "Supplier price rises may affect the next phase; finance colleagues are aware.",
    ],
    RAG.AMBER: [
        "If the delay continues, the next milestone will slip by a further period: {next}.",
        "Dependence on a single supplier is a risk to the timetable.",
        "The team has little slack; any further absence would affect delivery.",
    ],
    RAG.RED: [
        "The due date will be missed without intervention. Knock-on effects for other projects are being assessed.",
        "Benefits assumed in the budget may not be achieved this year.",
    ],
    RAG.COMPLETE: ["None."],
}
STILL_COMPLETE = [
    "Complete since {period}. The work is now part of normal business in {service}.",
    "No change: the deliverable was completed in {period}. {service} is tracking the benefits.",
    "Remains complete (finished in {period}). Early benefits are in line with the business case.",
]
CORRECTIVE_ACTIONS = [
    "Recovery plan agreed with the service director: extra developer time funded from the transformation "
    "reserve until {date}.",
    "The supplier has received a formal performance notice; weekly checkpoint calls are in place until {date}.",
    "Scope reduced to the highest-volume services; the rest moves to a second phase. Revised plan to the "
    "Digital Board by {date}.",
    "An interim project manager has been appointed to lead recovery, with a revised timetable by {date}.",
    "The timetable has been re-baselined with {service}; progress will be checked fortnightly until {date}.",
]
REVIEW_COMMENTS = [
    "Please say which milestone the percentage refers to, and add the latest figures as evidence before resubmitting.",
    "Thanks. Please add what has changed since the last update: the achievements read the same as last time.",
    "Can you say what the risk means for the budget, in pounds, and who is managing it?",
]
NOTES = [
    "Discussed at the {service} management team; no change to scope.",
    "Update checked with the finance business partner; spend is in line with the forecast.",
    "Residents' feedback from the latest survey has been shared with the project team.",
    "Equality impact assessment reviewed this period; no new issues.",
]
LINKS = [
    ("Project page on the intranet", "https://intranet.{org}.example.gov.uk/projects/{ref}"),
    ("Report to the Digital Board", "https://intranet.{org}.example.gov.uk/digital-board/{period}/{ref}"),
    ("Project plan", "https://intranet.{org}.example.gov.uk/projects/{ref}/plan"),
]
# The first figure whose keywords appear in a deliverable's title or description: (keywords, title, unit, target).
FIGURES = [
    (("broadband", "fibre", "coverage", "wifi"), "Premises able to get a better connection", "premises", 8000),
    (("device", "lending", "lend"), "Devices issued to residents", "devices", 1000),
    (("skills", "champion", "bootcamp", "training", "course"), "People trained", "people", 400),
    (("care", "telecare", "assistive", "alarm"), "Residents supported with care technology", "residents", 2000),
    (("dataset", "open data"), "Datasets published", "datasets", 100),
    (("form", "account", "online", "website", "chatbot", "self-service"), "Share of requests made online", "%", 80),
]
DEFAULT_FIGURE = ("Milestones delivered to date", "%", 100)


# Reading the documents


@dataclass(frozen=True)
class Window:
    """A reporting period's dates, worked out exactly as the importer's period generation does."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _windows(strategy: dict) -> list[Window]:
    start, end = _as_date(strategy["start_date"]), _as_date(strategy["end_date"])
    months = CADENCE_MONTHS[Cadence(strategy["cadence"])]
    windows = []
    while start <= end:
        finish = min(add_months(start, months) - dt.timedelta(days=1), end)
        windows.append(Window(start, finish))
        start = finish + dt.timedelta(days=1)
    return windows


def read_documents() -> list[dict]:
    """The demo strategy documents, as plain dicts in the importer's format."""
    return [yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8")) for name in DEMO_FILES]


# Planning the progress history (pure Python: no database)


@dataclass
class PlannedEvidence:
    kind: str
    title: str
    url: str = ""
    figure_value: Decimal | None = None
    figure_unit: str = ""
    note: str = ""
    original_name: str = ""
    stored_name: str = ""
    content: bytes = b""
    content_type: str = ""


@dataclass
class PlannedUpdate:
    period: Window
    rag: str
    percent: int
    state: str
    author: str
    achieved: str
    next_steps: str
    risks_issues: str
    corrective_action: str
    review_comment: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    milestones: list[str] = field(default_factory=list)
    evidence: list[PlannedEvidence] = field(default_factory=list)


@dataclass
class DeliverablePlan:
    updates: list[PlannedUpdate]
    milestones_done: dict[str, dt.date]


def _moment(rng: random.Random, day: dt.date, hours: tuple[int, int]) -> dt.datetime:
    """An aware datetime on `day`, at a random working time within `hours`."""
    naive = dt.datetime.combine(day, dt.time(rng.randint(*hours), rng.choice(range(0, 60, 5))))
    return timezone.make_aware(naive)


def _clamp(day: dt.date, earliest: dt.date, latest: dt.date) -> dt.date:
    return max(earliest, min(day, latest)) if earliest <= latest else earliest


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _figure_spec(deliverable: dict) -> tuple[str, str, int]:
    text = f"{deliverable['title']} {deliverable.get('description', '')}".lower()
    for keywords, title, unit, target in FIGURES:
        if any(re.search(rf"\b{re.escape(word)}s?\b", text) for word in keywords):
            return title, unit, target
    return DEFAULT_FIGURE


def _pick_rag(
    profile: str,
    phase: dict,
    planned: float,
    past_due: bool,
    actual: float,
    behind: float,
    first: bool,
    days_in: int,
    rng: random.Random,
) -> str:
    """The RAG status for one period; `phase` carries a deliverable's state from period to period.

    `actual` is the percent complete at the end of the previous period, and `behind` how far that was
    behind plan, in percentage points.
    """
    if first and days_in < 45:
        return RAG.NOT_STARTED
    if profile == "overdue":
        if not past_due:
            return RAG.GREEN if planned < 55 else RAG.AMBER
        return RAG.AMBER if actual >= 88 and rng.random() < 0.35 else RAG.RED
    if profile == "troubled":
        step = phase.get("step", "plan")
        if step == "plan" and planned >= phase["trouble_at"]:
            step = "warning"
        elif step == "warning":
            step, phase["reds"] = "red", 1
        elif step == "red":
            if phase["reds"] < phase["red_periods"]:
                phase["reds"] += 1
            else:
                step = "recovering"
        elif step == "recovering":
            step = "back"
        phase["step"] = step
        if past_due and step in ("recovering", "back"):
            return RAG.COMPLETE if actual >= 80 else RAG.AMBER  # finishing late is never green
        return {"plan": RAG.GREEN, "warning": RAG.AMBER, "red": RAG.RED, "recovering": RAG.AMBER}.get(step, RAG.GREEN)
    # A steady deliverable: mostly green with the odd amber wobble; finishes on time, or one period late.
    if past_due:
        late = phase["late_finish"] and not phase.get("late_used")
        phase["late_used"] = True
        return RAG.AMBER if late or behind > 15 else RAG.COMPLETE
    return RAG.AMBER if rng.random() < 0.15 else RAG.GREEN


def _advance(
    actual: float, planned: float, rag: str, increment: float, past_due: bool, profile: str, rng: random.Random
) -> float:
    """Percent complete after one period, given how the period went."""
    if rag == RAG.NOT_STARTED:
        return 0.0
    if rag == RAG.COMPLETE:
        return 100.0
    slow = (0.6, 0.85) if profile == "steady" else (0.45, 0.7)
    factor = {RAG.GREEN: (0.92, 1.08), RAG.AMBER: slow, RAG.RED: (0.1, 0.3)}[rag]
    actual += increment * rng.uniform(*factor)
    if rag == RAG.GREEN and planned - actual > 5:
        actual += (planned - actual) * rng.uniform(0.3, 0.5)  # catching up after a slow spell
    if past_due:
        actual += rng.uniform(2, 5) if profile == "overdue" else rng.uniform(8, 15)
    return min(actual, 95.0 if profile == "overdue" else 97.0)


def _fill(template: str, **values: str) -> str:
    return " ".join(template.format(**values).split())


def _texts(
    rng: random.Random,
    deliverable: dict,
    rag: str,
    done: list[str],
    upcoming: dict | None,
    today: dt.date,
    window: Window,
) -> dict[str, str]:
    service = deliverable.get("lead_service") or "service"
    cause = rng.choice(CAUSES).format(service=service)
    next_title = upcoming["title"] if upcoming else "project closure"
    next_due = _as_date(upcoming.get("due_date")) if upcoming else None
    if done:
        milestones = "Milestone reached: " + "; ".join(done) + "."
    elif rag == RAG.RED:
        milestones = f"The next milestone is at risk: {next_title}."
    else:
        milestones = f"Work continued towards the next milestone: {next_title}."
    values = {
        "service": service,
        "milestones": milestones,
        "next": f"{next_title}, due {_long_date(next_due)}" if next_due else next_title,
        "cause": cause,
        "cause_sentence": cause[:1].upper() + cause[1:] + ".",
        "outcome": deliverable.get("expected_outcome") or "as set out in the plan.",
    }
    recovery_date = _long_date(min(window.end, today) + dt.timedelta(days=rng.choice([28, 42, 56])))
    return {
        "achieved": _fill(rng.choice(ACHIEVED[rag]), **values),
        "next_steps": _fill(rng.choice(NEXT_STEPS[rag]), **values),
        "risks_issues": _fill(rng.choice(RISKS[rag]), **values),
        "corrective_action": (
            _fill(rng.choice(CORRECTIVE_ACTIONS), date=recovery_date, service=service) if rag == RAG.RED else ""
        ),
    }


def _timestamps(rng: random.Random, state: str, window: Window, start: dt.date, today: dt.date) -> dict:
    """created, updated, submitted and reviewed moments that fit the period and never pass `today`."""
    earliest = max(window.start, start)
    latest = today - dt.timedelta(days=1)
    submitted = reviewed = None
    if state == ProgressUpdate.State.DRAFT:
        created = _moment(rng, _clamp(today - dt.timedelta(days=rng.randint(3, 14)), earliest, latest), (8, 10))
        updated = created + dt.timedelta(hours=rng.randint(1, 6))
        return {"created_at": created, "updated_at": updated, "submitted_at": None, "reviewed_at": None}
    if window.end < today:  # a closed period: written in its last weeks, reviewed at the next board meeting
        submitted_day = _clamp(window.end - dt.timedelta(days=rng.randint(1, 12)), earliest, latest)
        review_day = _clamp(window.end + dt.timedelta(days=rng.randint(8, 24)), submitted_day, latest)
    else:  # the open period: submitted recently; a returned one was looked at a few days ago
        submitted_day = _clamp(today - dt.timedelta(days=rng.randint(6, 10)), earliest, latest)
        review_day = _clamp(today - dt.timedelta(days=rng.randint(1, 4)), submitted_day, latest)
    created_day = _clamp(submitted_day - dt.timedelta(days=rng.randint(1, 6)), earliest, submitted_day)
    created = _moment(rng, created_day, (8, 10))
    submitted = _moment(rng, submitted_day, (11, 14))
    if state in (ProgressUpdate.State.ACCEPTED, ProgressUpdate.State.RETURNED):
        reviewed = _moment(rng, review_day, (15, 17))
    return {
        "created_at": created,
        "updated_at": reviewed or submitted,
        "submitted_at": submitted,
        "reviewed_at": reviewed,
    }


def _minimal_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF with a title, a language and a few lines of text."""

    def literal(text: str) -> bytes:
        text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return text.encode("latin-1", "replace")

    content = b"BT /F1 16 Tf 72 770 Td (" + literal(title) + b") Tj /F1 11 Tf"
    for line in lines:
        content += b" 0 -22 Td (" + literal(line) + b") Tj"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) /ViewerPreferences << /DisplayDocTitle true >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (" + literal(title) + b") /Producer (Digital Strategy Portal demo data) >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def _progress_chart(history: list[tuple[str, int]]) -> bytes:
    """A small PNG bar chart of percent complete by period."""
    width, height, bar = 40 + 36 * len(history), 140, 24
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(20, 120), (width - 10, 120)], fill=(11, 12, 12), width=1)
    for i, (_, percent) in enumerate(history):
        left = 30 + 36 * i
        draw.rectangle([left, 120 - percent, left + bar, 120], fill=(29, 112, 184))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _stored_name(organisation: str, original_name: str) -> str:
    """A generated, deterministic storage name; the person's file name is kept only for display."""
    digest = hashlib.sha256(f"{organisation}/{original_name}".encode()).hexdigest()[:32]
    return digest + Path(original_name).suffix


def _plan_evidence(
    rng: random.Random, deliverable: dict, organisation: str, update: PlannedUpdate, history: list[tuple[str, int]]
) -> list[PlannedEvidence]:
    if update.rag == RAG.NOT_STARTED:
        return []
    ref = deliverable["reference"]
    stem = f"{ref.lower()}-{update.period.start:%Y-%m}"
    evidence = []
    roll = rng.random()
    count = 2 if roll < 0.07 else 1 if roll < 0.3 else 0
    for kind in rng.sample(["link", "figure", "note"], count):
        if kind == "link":
            title, url = rng.choice(LINKS)
            url = url.format(org=organisation, ref=ref.lower(), period=f"{update.period.start:%Y-%m}")
            evidence.append(PlannedEvidence(kind=Evidence.Kind.LINK, title=title, url=url))
        elif kind == "figure":
            title, unit, target = _figure_spec(deliverable)
            value = Decimal(round(target * update.percent / 100 * rng.uniform(0.9, 1.05)))
            if unit == "%":
                value = min(value, Decimal(100))
            evidence.append(
                PlannedEvidence(kind=Evidence.Kind.FIGURE, title=title, figure_value=value, figure_unit=unit)
            )
        else:
            note = rng.choice(NOTES).format(service=deliverable.get("lead_service") or "service")
            evidence.append(PlannedEvidence(kind=Evidence.Kind.NOTE, title="Note", note=note))
    report_chance = 0.4 if update.rag == RAG.COMPLETE else 0.015
    if rng.random() < report_chance:
        report = "closure report" if update.rag == RAG.COMPLETE else "highlight report"
        title = f"{ref} {report}, {update.period.label}"
        lines = [
            deliverable["title"],
            f"Lead service: {deliverable.get('lead_service', '')}",
            f"Status: {RAG(update.rag).label}, {update.percent}% complete",
            *textwrap.wrap(update.achieved, 90),
        ]
        evidence.append(
            PlannedEvidence(
                kind=Evidence.Kind.FILE,
                title=title,
                original_name=f"{stem}-{report.replace(' ', '-')}.pdf",
                stored_name=_stored_name(organisation, f"{stem}-{report.replace(' ', '-')}.pdf"),
                content=_minimal_pdf(title, lines),
                content_type="application/pdf",
            )
        )
    elif rng.random() < 0.025:
        described = ", ".join(f"{label} {percent}%" for label, percent in history)
        evidence.append(
            PlannedEvidence(
                kind=Evidence.Kind.FILE,
                title="Progress chart",
                original_name=f"{stem}-progress-chart.png",
                stored_name=_stored_name(organisation, f"{stem}-progress-chart.png"),
                content=_progress_chart(history),
                content_type="image/png",
                note=f"Bar chart of percent complete by period: {described}.",
            )
        )
    return evidence


def _still_complete(
    rng: random.Random,
    deliverable: dict,
    window: Window,
    completed_in: Window,
    state: str,
    start: dt.date,
    today: dt.date,
) -> PlannedUpdate:
    """A short update for a period after the deliverable was completed: still complete, benefits tracked."""
    service = deliverable.get("lead_service") or "the service"
    achieved = rng.choice(STILL_COMPLETE).format(period=completed_in.label, service=service)
    update = PlannedUpdate(
        period=window,
        rag=RAG.COMPLETE,
        percent=100,
        state=state,
        author=deliverable["owner"],
        achieved=achieved,
        next_steps="None: benefits are reported in the annual review.",
        risks_issues="None.",
        corrective_action="",
        review_comment="",
        **_timestamps(rng, state, window, start, today),
    )
    if rng.random() < 0.15:
        title, unit, target = _figure_spec(deliverable)
        value = Decimal(round(target * rng.uniform(1.0, 1.2)))
        if unit == "%":
            value = min(value, Decimal(100))
        update.evidence = [
            PlannedEvidence(kind=Evidence.Kind.FIGURE, title=title, figure_value=value, figure_unit=unit)
        ]
    return update


def plan_deliverable(
    *,
    deliverable: dict,
    windows: list[Window],
    today: dt.date,
    storyline: Storyline,
    organisation: str,
    strategy_slug: str,
) -> DeliverablePlan:
    """The invented progress of one deliverable: its updates, and when each milestone was completed."""
    start, due = _as_date(deliverable.get("start_date")), _as_date(deliverable.get("due_date"))
    if not deliverable.get("is_active", True) or start is None or due is None or start >= today:
        return DeliverablePlan([], {})
    ref = deliverable["reference"]
    rng = random.Random(f"{strategy_slug}/{ref}")
    profile = "troubled" if ref in storyline.troubled else "overdue" if ref in storyline.overdue else "steady"
    phase: dict[str, Any] = {
        "trouble_at": rng.uniform(30, 55),
        "red_periods": rng.choice([1, 2]),
        "late_finish": rng.random() < 0.3,
    }
    span = max((due - start).days, 1)
    milestones = sorted(
        (m for m in deliverable.get("milestones") or []), key=lambda m: _as_date(m.get("due_date")) or due
    )
    thresholds = {
        m["title"]: 100.0 if m is milestones[-1] else ((_as_date(m.get("due_date")) or due) - start).days / span * 100
        for m in milestones
    }
    contributors = list(deliverable.get("contributors") or [])
    closed = [w for w in windows if w.end < today]
    latest_closed = closed[-1] if closed else None

    updates: list[PlannedUpdate] = []
    done: dict[str, dt.date] = {}
    history: list[tuple[str, int]] = []
    actual, previous_planned, percent = 0.0, 0.0, 0
    completed_in: Window | None = None
    for window in windows:
        if window.end < start or window.start > today:
            continue
        is_open = window.end >= today
        if completed_in is not None and is_open:
            break  # confirming a finished deliverable for the open period is left on the officer's to-do list
        state = storyline.open_updates.get(ref) if is_open else ProgressUpdate.State.ACCEPTED
        if state is None:
            break
        if not is_open and window == latest_closed and ref in storyline.awaiting_review:
            state = ProgressUpdate.State.SUBMITTED
        if completed_in is not None:
            updates.append(_still_complete(rng, deliverable, window, completed_in, state, start, today))
            continue
        point = min(window.end, today)
        planned = max(0.0, min(100.0, (point - start).days / span * 100))
        increment, behind, previous_planned = planned - previous_planned, previous_planned - actual, planned
        past_due = point >= due
        rag = _pick_rag(profile, phase, planned, past_due, actual, behind, not updates, (point - start).days, rng)
        actual = _advance(actual, planned, rag, increment, past_due, profile, rng)
        percent = max(percent, 100 if rag == RAG.COMPLETE else int(actual))
        finished_now = [
            m
            for m in milestones
            if m["title"] not in done and (rag == RAG.COMPLETE or thresholds[m["title"]] <= percent + 3)
        ]
        for m in finished_now:
            target = _as_date(m.get("due_date")) or point
            day = target + dt.timedelta(days=rng.randint(-10, 10))
            done[m["title"]] = _clamp(day, max(window.start, start), min(window.end, today - dt.timedelta(days=1)))
        upcoming = next((m for m in milestones if m["title"] not in done), None)
        texts = _texts(rng, deliverable, rag, [m["title"] for m in finished_now], upcoming, today, window)
        author = deliverable["owner"]
        if contributors and rng.random() < 0.2:
            author = rng.choice(contributors)
        history.append((window.label, percent))
        update = PlannedUpdate(
            period=window,
            rag=rag,
            percent=percent,
            state=state,
            author=author,
            **texts,
            review_comment=rng.choice(REVIEW_COMMENTS) if state == ProgressUpdate.State.RETURNED else "",
            **_timestamps(rng, state, window, start, today),
            milestones=[m["title"] for m in finished_now],
        )
        update.evidence = _plan_evidence(rng, deliverable, organisation, update, list(history))
        updates.append(update)
        if rag == RAG.COMPLETE:
            completed_in = window
    return DeliverablePlan(updates, done)


# Writing to the database


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, list[str]]:
    """Create the row, or update it only where a value differs, so a rerun writes nothing. Returns the row and
    the names of the fields changed in a row that was there already."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, []
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, changed


def _create_with_dated_history(obj: models.Model, *, stamps: dict, history_date: dt.datetime, user: User) -> None:
    """Save a new row with invented timestamps, and a history entry dated and attributed to match."""
    obj.save_without_historical_record()
    type(obj).objects.filter(pk=obj.pk).update(**stamps)
    for name, value in stamps.items():
        setattr(obj, name, value)
    obj._history_date = history_date
    obj._history_user = user
    type(obj).history.bulk_history_create([obj])


def _ensure_people(password: str) -> dict[str, User]:
    """The demo people, all with `password`.

    Password hashing is deliberately slow, so each distinct stored hash is checked once, and people whose
    password does not match get one shared new hash (the demo password is public anyway). A stored hash that
    already matches is kept, so a rerun changes nothing.
    """
    people = {}
    matches: dict[str, bool] = {}  # stored hash -> whether `password` matches it
    new_hash = ""
    for person in [*DEMO_LOGINS, *EXTRA_OFFICERS]:
        user, changed = _upsert(
            User,
            {"username": person.username},
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "job_title": person.job_title,
                "service": person.service,
                "telephone": person.telephone,
                "is_staff": person.is_staff,
                "is_superuser": person.is_superuser,
                "is_active": True,
            },
        )
        if set(changed) & set(NAME_FIELDS):
            freshness.mark(renamed=[user.pk])
        if user.password not in matches:
            matches[user.password] = check_password(password, user.password)
        if not matches[user.password]:
            new_hash = new_hash or make_password(password)
            matches[new_hash] = True
            user.password = new_hash
            user.save(update_fields=["password"])
        people[person.username] = user
    return people


def _retire_leads_group() -> None:
    """Earlier demos made a "Strategy leads" group with admin rights on every council's strategies; the admin is
    now for superusers only, so the group is removed from databases that still have it."""
    Group.objects.filter(name=LEADS_GROUP).delete()


def _set_period_statuses(strategy: Strategy, today: dt.date) -> None:
    """Close, open and mark upcoming relative to `today`; closing first keeps one open period at every step."""
    periods = list(strategy.periods.order_by("start_date"))
    wanted = {p.pk: period_status_on(p.start_date, p.end_date, today) for p in periods}
    leaving_open = [
        p for p in periods if p.status == ReportingPeriod.Status.OPEN and wanted[p.pk] != ReportingPeriod.Status.OPEN
    ]
    for period in leaving_open + [p for p in periods if p not in leaving_open]:
        if period.status != wanted[period.pk]:
            period.status = wanted[period.pk]
            period.save(update_fields=["status"])


def _ensure_memberships(strategy: Strategy, people: dict[str, User], document: dict) -> None:
    for username, roles in DEMO_ROLES.items():
        for slug, role in roles:
            if slug == strategy.slug:
                Membership.objects.get_or_create(user=people[username], strategy=strategy, role=role)
    extra = {person.username for person in EXTRA_OFFICERS}
    team = {name for d in document.get("deliverables") or [] for name in [d["owner"], *(d.get("contributors") or [])]}
    for username in sorted(team & extra):
        Membership.objects.get_or_create(user=people[username], strategy=strategy, role=Role.OFFICER)


def _import_with_people(document: dict, people: dict[str, User]) -> Strategy:
    """The importer takes only owners and contributors with a role in the strategy (as a lead must invite people
    before naming them): import the structure, give the demo people their roles, then import the whole document."""
    strategy = strategy_import(data={**document, "deliverables": []})
    _ensure_memberships(strategy, people, document)
    return strategy_import(data=document)


def _link_strategies() -> None:
    for slug, other_slug in DEMO_LINKS:
        strategy = Strategy.objects.get(slug=slug)
        others = {*strategy.linked_strategies.all(), Strategy.objects.get(slug=other_slug)}
        strategy_links_set(strategy=strategy, linked=others, by=None)


def _save_evidence(update: ProgressUpdate, planned: PlannedEvidence, author: User) -> None:
    when = update.submitted_at or update.created_at
    if planned.kind == Evidence.Kind.FILE:
        if Evidence.objects.filter(update=update, original_name=planned.original_name).exists():
            return
        # Stored under a generated name, as uploads are (aims.services.generated_name), but a deterministic one,
        # so a file left from an earlier load is reused rather than copied again.
        storage = Evidence._meta.get_field("file").storage
        name = f"evidence/{when:%Y}/{when:%m}/{planned.stored_name}"
        if not storage.exists(name):
            name = storage.save(name, ContentFile(planned.content))
        evidence = Evidence(
            update=update,
            kind=planned.kind,
            title=planned.title,
            file=name,
            original_name=planned.original_name,
            size_bytes=len(planned.content),
            content_type=planned.content_type,
            sha256=hashlib.sha256(planned.content).hexdigest(),
            note=planned.note,
            added_by=author,
        )
        _create_with_dated_history(evidence, stamps={"created_at": when}, history_date=when, user=author)
        return
    values = {
        "url": planned.url,
        "figure_value": planned.figure_value,
        "figure_unit": planned.figure_unit,
        "note": planned.note,
        "added_by_id": author.pk,
    }
    lookup = {"update": update, "kind": planned.kind, "title": planned.title}
    existing = Evidence.objects.filter(**lookup).first()
    if existing is None:
        evidence = Evidence(**lookup, **values)
        _create_with_dated_history(evidence, stamps={"created_at": when}, history_date=when, user=author)
    else:
        _upsert(Evidence, {"pk": existing.pk}, values)


def _save_update(
    deliverable: Deliverable, period: ReportingPeriod, planned: PlannedUpdate, people: dict[str, User], reviewer: User
) -> None:
    author = people[planned.author]
    values = {
        "rag_status": planned.rag,
        "percent_complete": planned.percent,
        "achieved": planned.achieved,
        "next_steps": planned.next_steps,
        "risks_issues": planned.risks_issues,
        "corrective_action": planned.corrective_action,
        "state": planned.state,
        "author_id": author.pk,
        "reviewer_id": reviewer.pk if planned.reviewed_at else None,
        "review_comment": planned.review_comment,
        "submitted_at": planned.submitted_at,
        "reviewed_at": planned.reviewed_at,
    }
    milestones = {m.title: m for m in deliverable.milestones.all()}
    wanted_milestones = {milestones[t].pk for t in planned.milestones if t in milestones}
    update = ProgressUpdate.objects.filter(deliverable=deliverable, period=period).first()
    if update is None:
        update = ProgressUpdate(deliverable=deliverable, period=period, **values)
        _create_with_dated_history(
            update,
            stamps={"created_at": planned.created_at, "updated_at": planned.updated_at},
            history_date=planned.created_at,
            user=author,
        )
    else:
        changed = [name for name, value in values.items() if getattr(update, name) != value]
        if changed:
            for name in changed:
                setattr(update, name, values[name])
            update.version += 1
            update._history_date = planned.updated_at
            update._history_user = author
            update.save()
            ProgressUpdate.objects.filter(pk=update.pk).update(updated_at=planned.updated_at)
    if set(update.milestones_completed.values_list("pk", flat=True)) != wanted_milestones:
        update._history_date = planned.submitted_at or planned.created_at
        update._history_user = author
        update.milestones_completed.set(wanted_milestones)
    for evidence in planned.evidence:
        _save_evidence(update, evidence, author)


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def load_demo(*, password: str, today: dt.date | None = None, stdout: TextIO | None = None) -> dict[str, int]:
    """Create or refresh the demo councils, people, progress and evidence. Returns counts of the demo rows."""
    if getattr(settings, "PRODUCTION", False):
        raise DemoRefused("The demo data is not loaded in production: it creates logins with a known password.")
    today = today or timezone.localdate()
    with freshness.atomic():
        people = _ensure_people(password)
        _retire_leads_group()
        board = people["board"]
        strategies = []
        for document in read_documents():
            slug = document["strategy"]["slug"]
            storyline = STORYLINES.get(slug, Storyline())
            windows = _windows(document["strategy"])
            plans = {
                d["reference"]: plan_deliverable(
                    deliverable=d,
                    windows=windows,
                    today=today,
                    storyline=storyline,
                    organisation=document["organisation"]["slug"],
                    strategy_slug=slug,
                )
                for d in document.get("deliverables") or []
            }
            # Milestone completion dates go into the document, so the importer writes them and a rerun of the
            # import does not reset them.
            for d in document.get("deliverables") or []:
                for milestone in d.get("milestones") or []:
                    milestone["completed_on"] = plans[d["reference"]].milestones_done.get(milestone["title"])
            strategy = _import_with_people(document, people)
            _set_period_statuses(strategy, today)
            periods = {p.start_date: p for p in strategy.periods.all()}
            for deliverable in strategy.deliverables.order_by("reference"):
                for planned in plans.get(deliverable.reference, DeliverablePlan([], {})).updates:
                    period = periods.get(planned.period.start)
                    if period is not None:
                        _save_update(deliverable, period, planned, people, board)
            # Periods, roles, progress and evidence throughout: the strategy changes as a whole.
            freshness.mark(strategy_wide=[strategy.pk], periods=[strategy.pk])
            strategies.append(strategy)
            _say(stdout, f"Loaded {strategy.organisation.name}: {strategy.title}.")
        _link_strategies()
        return demo_counts(strategies)


def demo_counts(strategies: list[Strategy]) -> dict[str, int]:
    updates = ProgressUpdate.objects.filter(deliverable__strategy__in=strategies)
    evidence = Evidence.objects.filter(update__deliverable__strategy__in=strategies)
    counts = {
        "users": User.objects.filter(username__in=[p.username for p in [*DEMO_LOGINS, *EXTRA_OFFICERS]]).count(),
        "memberships": Membership.objects.filter(strategy__in=strategies).count(),
        "strategies": len(strategies),
        "aims": Aim.objects.filter(strategy__in=strategies).count(),
        "principles": Principle.objects.filter(strategy__in=strategies).count(),
        "themes": Theme.objects.filter(strategy__in=strategies).count(),
        "deliverables": Deliverable.objects.filter(strategy__in=strategies).count(),
        "principle links": DeliverablePrinciple.objects.filter(deliverable__strategy__in=strategies).count(),
        "milestones": Milestone.objects.filter(deliverable__strategy__in=strategies).count(),
        "milestones completed": Milestone.objects.filter(
            deliverable__strategy__in=strategies, completed_on__isnull=False
        ).count(),
        "reporting periods": ReportingPeriod.objects.filter(strategy__in=strategies).count(),
        "progress updates": updates.count(),
    }
    for state in ProgressUpdate.State:
        counts[f"updates {state.label.lower()}"] = updates.filter(state=state).count()
    counts["red updates"] = updates.filter(rag_status=RAG.RED).count()
    counts["evidence"] = evidence.count()
    counts["evidence files"] = evidence.filter(kind=Evidence.Kind.FILE).count()
    return counts
