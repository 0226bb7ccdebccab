"""Import and export of a strategy's structure as a plain document (YAML or JSON).

The document holds the organisation, the strategy, its aims, principles, themes, deliverables (owners and
contributors by username or email, each a person with a role in the strategy, principle links, milestones) and
reporting periods. Progress is not part of
it. Import is an upsert by natural keys (slug, number, reference, start date): importing the same document
twice changes nothing, and a round trip (export, import elsewhere) gives the same strategy. An import never
touches progress: updates, evidence and milestone completions stay as officers recorded them (a milestone's
`completed_on` in the document is used only when the milestone is new to the portal). No row is deleted, but a
re-import does replace what the document lists in full: a theme's aims and a deliverable's contributors become
those the document names (so one left out is taken off), and opening a period closes the one open before. A bad
document raises StrategyImportError naming every place and problem; nothing is written unless the whole document
is valid.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q

from aims.data_versions import row_marks
from aims.models import Aim, Cadence, Deliverable, Milestone, Organisation, ReportingPeriod, Strategy, Theme
from aims.services import reporting_periods_generate
from core import freshness
from principles.models import DeliverablePrinciple, Principle

FORMAT = "digital-strategy-portal/1"

ORGANISATION_FIELDS = ["name", "slug", "address", "email", "telephone", "website"]
STRATEGY_FIELDS = [
    "title", "slug", "summary", "vision", "start_date", "end_date", "cadence", "status", "adopted_on",
    "adopted_by", "is_published", "aim_label", "aim_label_plural", "theme_label", "theme_label_plural",
    "responsible_officer",
]  # fmt: skip
# Set in the portal too ("Council details"): a document without them leaves the portal's value alone.
KEPT_WHEN_ABSENT = {"responsible_officer"}
DATE_FIELDS = {"start_date", "end_date", "adopted_on", "due_date", "completed_on", "deadline"}


class StrategyImportError(Exception):
    """The document is not a valid strategy; `problems` lists (place, problem) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{place}: {problem}" for place, problem in problems))


# Export


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _person(user) -> str:
    return user.username


def _export_deliverable(d: Deliverable) -> dict:
    return {
        "reference": d.reference,
        "title": d.title,
        "description": d.description,
        "expected_outcome": d.expected_outcome,
        "theme": d.theme.number,
        "owner": _person(d.owner),
        "contributors": sorted(_person(u) for u in d.contributors.all()),
        "lead_service": d.lead_service,
        "start_date": _value(d.start_date),
        "due_date": _value(d.due_date),
        "weight": _value(d.weight),
        "is_active": d.is_active,
        "principles": [
            {"number": link.principle.number, "note": link.note}
            for link in sorted(d.principle_links.all(), key=lambda link: link.principle.number)
        ],
        "milestones": [
            {"title": m.title, "due_date": _value(m.due_date), "completed_on": _value(m.completed_on)}
            for m in d.milestones.all()
        ],
    }


def strategy_export(*, strategy: Strategy) -> dict:
    """The strategy's structure as a plain dict, ready for YAML or JSON."""
    organisation = strategy.organisation
    deliverables = (
        strategy.deliverables.select_related("theme", "owner")
        .prefetch_related("contributors", "milestones", "principle_links__principle")
        .order_by("reference")
    )
    return {
        "format": FORMAT,
        "organisation": {f: _value(getattr(organisation, f)) for f in ORGANISATION_FIELDS},
        "strategy": {f: _value(getattr(strategy, f)) for f in STRATEGY_FIELDS},
        "aims": [
            {"number": a.number, "title": a.title, "description": a.description}
            for a in strategy.aims.order_by("number")
        ],
        "principles": [
            {"number": p.number, "title": p.title, "description": p.description}
            for p in strategy.principles.order_by("number")
        ],
        "themes": [
            {
                "number": t.number,
                "title": t.title,
                "vision": t.vision,
                "expected_outcomes": t.expected_outcomes,
                "aims": sorted(a.number for a in t.aims.all()),
            }
            for t in strategy.themes.prefetch_related("aims").order_by("number")
        ],
        "deliverables": [_export_deliverable(d) for d in deliverables],
        "periods": [
            {
                "label": p.label,
                "start_date": _value(p.start_date),
                "end_date": _value(p.end_date),
                "deadline": _value(p.deadline),
                "status": p.status,
            }
            for p in strategy.periods.order_by("start_date")
        ],
    }


def strategy_dumps(*, strategy: Strategy, fmt: str = "yaml") -> str:
    data = strategy_export(strategy=strategy)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


# Import


class _Checker:
    """Reads the document, converting values and collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def problem(self, place: str, message: str) -> None:
        self.problems.append((place, message))

    def mapping(self, value: Any, place: str) -> dict:
        if not isinstance(value, dict):
            self.problem(place, "expected a mapping of fields")
            return {}
        return value

    def sequence(self, value: Any, place: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(place, "expected a list")
            return []
        return value

    def text(self, record: dict, field: str, place: str, *, required: bool = False) -> str:
        value = record.get(field)
        if value is None or value == "":
            if required:
                self.problem(f"{place}.{field}", "is required")
            return ""
        if not isinstance(value, (str, int, float)):
            self.problem(f"{place}.{field}", "expected text")
            return ""
        return str(value)

    def number(self, record: dict, field: str, place: str) -> int | None:
        value = record.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(f"{place}.{field}", f"expected a whole number, got {value!r}")
            return None
        return value

    def date(self, record: dict, field: str, place: str, *, required: bool = False) -> dt.date | None:
        value = record.get(field)
        if value is None or value == "":
            if required:
                self.problem(f"{place}.{field}", "is required")
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(f"{place}.{field}", f"expected a date like 2026-04-01, got {value!r}")
            return None

    def boolean(self, record: dict, field: str, place: str, default: bool) -> bool:
        value = record.get(field, default)
        if not isinstance(value, bool):
            self.problem(f"{place}.{field}", f"expected true or false, got {value!r}")
            return default
        return value

    def unique(self, items: list[tuple[str, Any]], what: str) -> None:
        seen: dict[Any, str] = {}
        for place, key in items:
            if key is None:
                continue
            if key in seen:
                self.problem(place, f"{what} {key!r} is used twice (also at {seen[key]})")
            else:
                seen[key] = place


NOT_A_MEMBER = "{name} is not one of this strategy's people: invite them in People and roles first"


def _find_people(names: set[str], strategy_slug: str) -> dict[str, Any]:
    """The people named (by username or email) who are the strategy's people: a role in it, or already an owner or
    contributor of one of its deliverables (so a file exported before they lost their role still reads back).
    Anyone else is refused with one message, whether or not they have an account, so an import cannot be used to
    find out who has one."""
    User = get_user_model()
    found: dict[str, Any] = {}
    if not names or not strategy_slug:
        return found
    in_strategy = (
        Q(memberships__strategy__slug=strategy_slug)
        | Q(owned_deliverables__strategy__slug=strategy_slug)
        | Q(contributed_deliverables__strategy__slug=strategy_slug)
    )
    people = User.objects.filter(pk__in=User.objects.filter(in_strategy).values("pk"))
    for user in people.filter(Q(username__in=names) | Q(email__in=names)):
        found[user.username] = user
        if user.email:
            found.setdefault(user.email, user)
    return found


def _parse_header(c: _Checker, doc: dict) -> tuple[dict, dict]:
    """The organisation and the strategy's own fields, with the council's words for the levels defaulted."""
    org_in = c.mapping(doc.get("organisation"), "organisation") if doc else {}
    organisation = {f: c.text(org_in, f, "organisation", required=f in {"name", "slug"}) for f in ORGANISATION_FIELDS}
    strat_in = c.mapping(doc.get("strategy"), "strategy") if doc else {}
    strategy: dict[str, Any] = {}
    for field in STRATEGY_FIELDS:
        if field in DATE_FIELDS:
            strategy[field] = c.date(strat_in, field, "strategy", required=field != "adopted_on")
        elif field == "is_published":
            strategy[field] = c.boolean(strat_in, field, "strategy", False)
        else:
            strategy[field] = c.text(strat_in, field, "strategy", required=field in {"title", "slug", "cadence"})
    for field in KEPT_WHEN_ABSENT - strat_in.keys():
        del strategy[field]
    if strategy.get("cadence") and strategy["cadence"] not in Cadence.values:
        c.problem("strategy.cadence", f"expected one of {', '.join(Cadence.values)}, got {strategy['cadence']!r}")
    if strategy.get("status") and strategy["status"] not in Strategy.Status.values:
        c.problem("strategy.status", f"expected one of {', '.join(Strategy.Status.values)}")
    for field, default in [("status", "draft"), ("aim_label", "Aim"), ("aim_label_plural", "Aims"),
                           ("theme_label", "Theme"), ("theme_label_plural", "Themes")]:  # fmt: skip
        strategy[field] = strategy[field] or default
    if strategy.get("start_date") and strategy.get("end_date") and strategy["end_date"] <= strategy["start_date"]:
        c.problem("strategy.end_date", "must be after the start date")
    return organisation, strategy


def _parse_numbered(c: _Checker, doc: dict, key: str, extra: list[str]) -> list[dict]:
    """Aims, principles or themes: each with a number unique in the list and a title."""
    rows = []
    for i, raw in enumerate(c.sequence(doc.get(key), key) if doc else []):
        place = f"{key}[{i}]"
        rec = c.mapping(raw, place)
        row = {
            "place": place,
            "number": c.number(rec, "number", place),
            "title": c.text(rec, "title", place, required=True),
        }
        for field in extra:
            row[field] = c.text(rec, field, place)
        row["raw"] = rec
        rows.append(row)
    c.unique([(r["place"] + ".number", r["number"]) for r in rows], "number")
    return rows


def _parse_theme_aims(c: _Checker, themes: list[dict], aim_numbers: set) -> None:
    for theme in themes:
        theme["aims"] = []
        for j, number in enumerate(c.sequence(theme["raw"].get("aims"), theme["place"] + ".aims")):
            if number not in aim_numbers:
                c.problem(f"{theme['place']}.aims[{j}]", f"there is no aim number {number!r}")
            else:
                theme["aims"].append(number)


def _parse_weight(c: _Checker, rec: dict, place: str) -> Decimal:
    try:
        weight = Decimal(str(rec.get("weight", 1)))
        if not weight > 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        c.problem(f"{place}.weight", f"expected a number above 0, got {rec.get('weight')!r}")
        return Decimal(1)
    return weight


def _parse_principle_links(c: _Checker, rec: dict, place: str, principle_numbers: set) -> list[dict]:
    links = []
    for j, link in enumerate(c.sequence(rec.get("principles"), f"{place}.principles")):
        lplace = f"{place}.principles[{j}]"
        link = {"number": link} if isinstance(link, int) else c.mapping(link, lplace)
        if link.get("number") not in principle_numbers:
            c.problem(f"{lplace}.number", f"there is no principle number {link.get('number')!r}")
            continue
        links.append({"number": link["number"], "note": c.text(link, "note", lplace)})
    c.unique([(f"{place}.principles[{j}]", p["number"]) for j, p in enumerate(links)], "principle")
    return links


def _parse_milestones(c: _Checker, rec: dict, place: str) -> list[dict]:
    milestones = []
    for j, ms in enumerate(c.sequence(rec.get("milestones"), f"{place}.milestones")):
        mplace = f"{place}.milestones[{j}]"
        ms = c.mapping(ms, mplace)
        milestones.append({
            "title": c.text(ms, "title", mplace, required=True),
            "due_date": c.date(ms, "due_date", mplace),
            "completed_on": c.date(ms, "completed_on", mplace),
        })  # fmt: skip
    c.unique([(f"{place}.milestones[{j}].title", m["title"]) for j, m in enumerate(milestones)], "milestone")
    return milestones


def _parse_deliverable(c: _Checker, raw: Any, place: str, theme_numbers: set, principle_numbers: set) -> dict:
    rec = c.mapping(raw, place)
    d: dict[str, Any] = {"place": place}
    for field in ["reference", "title", "description", "expected_outcome", "lead_service", "owner"]:
        d[field] = c.text(rec, field, place, required=field in {"reference", "title", "owner"})
    d["theme"] = rec.get("theme")
    if d["theme"] not in theme_numbers:
        c.problem(f"{place}.theme", f"there is no theme number {d['theme']!r}")
    d["contributors"] = [str(x) for x in c.sequence(rec.get("contributors"), f"{place}.contributors")]
    d["start_date"] = c.date(rec, "start_date", place)
    d["due_date"] = c.date(rec, "due_date", place)
    if d["start_date"] and d["due_date"] and d["due_date"] < d["start_date"]:
        c.problem(f"{place}.due_date", "must be on or after the start date")
    d["weight"] = _parse_weight(c, rec, place)
    d["is_active"] = c.boolean(rec, "is_active", place, True)
    d["principles"] = _parse_principle_links(c, rec, place, principle_numbers)
    d["milestones"] = _parse_milestones(c, rec, place)
    return d


def _check_people(c: _Checker, deliverables: list[dict], strategy_slug: str) -> dict[str, Any]:
    """Every owner and contributor must have a role in the strategy (People and roles), named by username or
    email. A strategy new to the portal has nobody yet: import its structure, invite its people, then import the
    deliverables."""
    people: set[str] = set()
    for d in deliverables:
        people.update([d["owner"], *d["contributors"]] if d["owner"] else d["contributors"])
    users = _find_people({p for p in people if p}, strategy_slug)
    for d in deliverables:
        if d["owner"] and d["owner"] not in users:
            c.problem(f"{d['place']}.owner", NOT_A_MEMBER.format(name=d["owner"]))
        for j, name in enumerate(d["contributors"]):
            if name not in users:
                c.problem(f"{d['place']}.contributors[{j}]", NOT_A_MEMBER.format(name=name))
    return users


def _parse_periods(c: _Checker, doc: dict) -> list[dict]:
    periods = []
    for i, raw in enumerate(c.sequence(doc.get("periods"), "periods") if doc else []):
        place = f"periods[{i}]"
        rec = c.mapping(raw, place)
        p = {
            "place": place,
            "label": c.text(rec, "label", place, required=True),
            "start_date": c.date(rec, "start_date", place, required=True),
            "end_date": c.date(rec, "end_date", place, required=True),
            "deadline": c.date(rec, "deadline", place, required=True),
            "status": c.text(rec, "status", place) or ReportingPeriod.Status.UPCOMING,
        }
        if p["status"] not in ReportingPeriod.Status.values:
            c.problem(f"{place}.status", f"expected one of {', '.join(ReportingPeriod.Status.values)}")
        if p["start_date"] and p["end_date"] and p["end_date"] < p["start_date"]:
            c.problem(f"{place}.end_date", "must be on or after the start date")
        periods.append(p)
    c.unique([(p["place"] + ".start_date", p["start_date"]) for p in periods], "start date")
    if sum(1 for p in periods if p["status"] == ReportingPeriod.Status.OPEN) > 1:
        c.problem("periods", "only one period may be open")
    return periods


def _parse(data: Any) -> dict:
    """Validate the whole document and return it converted to Python values, or raise StrategyImportError with
    every problem found, each with its place."""
    c = _Checker()
    doc = c.mapping(data, "document")
    if doc and doc.get("format") != FORMAT:
        c.problem("format", f"expected {FORMAT!r}, got {doc.get('format')!r}")
    organisation, strategy = _parse_header(c, doc)
    aims = _parse_numbered(c, doc, "aims", ["description"])
    principles = _parse_numbered(c, doc, "principles", ["description"])
    themes = _parse_numbered(c, doc, "themes", ["vision", "expected_outcomes"])
    _parse_theme_aims(c, themes, {a["number"] for a in aims})
    theme_numbers = {t["number"] for t in themes}
    principle_numbers = {p["number"] for p in principles}
    deliverables = [
        _parse_deliverable(c, raw, f"deliverables[{i}]", theme_numbers, principle_numbers)
        for i, raw in enumerate(c.sequence(doc.get("deliverables"), "deliverables") if doc else [])
    ]
    c.unique([(d["place"] + ".reference", d["reference"] or None) for d in deliverables], "reference")
    users = _check_people(c, deliverables, strategy.get("slug") or "")
    periods = _parse_periods(c, doc)
    if c.problems:
        raise StrategyImportError(c.problems)
    return {
        "organisation": organisation,
        "strategy": strategy,
        "aims": aims,
        "principles": principles,
        "themes": themes,
        "deliverables": deliverables,
        "periods": periods,
        "users": users,
    }


def strategy_check(*, data: Any) -> None:
    """Check a document by the import's rules without writing anything: StrategyImportError names every problem."""
    _parse(data)


def _save(obj, place: str) -> None:
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
    except ValidationError as exc:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise StrategyImportError([(place, messages)]) from exc


def _upsert(model, place: str, lookup: dict, values: dict, on_create: dict | None = None):
    """The row, created or changed to hold `values`, and marked as changed (core/freshness.py) if it was.
    `on_create` holds values given to a new row only: an existing row keeps its own."""
    obj = model.objects.filter(**lookup).first() or model(**lookup, **(on_create or {}))
    changed = obj.pk is None
    previous_owner = None
    for field, value in values.items():
        if getattr(obj, field, None) != value:
            if field == "owner" and obj.pk:
                previous_owner = obj.owner_id  # whose home no longer shows the deliverable
            setattr(obj, field, value)
            changed = True
    if changed:
        _save(obj, place)
        freshness.mark(**row_marks(obj))
        freshness.mark(people=[previous_owner])
    return obj


def _import_header(doc: dict) -> Strategy:
    org_values = dict(doc["organisation"])
    organisation = _upsert(Organisation, "organisation", {"slug": org_values.pop("slug")}, org_values)
    strat_values = dict(doc["strategy"])
    strategy = _upsert(
        Strategy, "strategy", {"slug": strat_values.pop("slug")}, {"organisation": organisation, **strat_values}
    )
    # The strategy's row before any deliverable's: the order the versions are raised in at commit
    # (aims/data_versions.py), so an import cannot deadlock with a progress save in the strategy.
    list(Strategy.objects.select_for_update().filter(pk=strategy.pk).order_by().values_list("pk"))
    return strategy


def _import_numbered(model, rows: list[dict], strategy: Strategy, fields: list[str]) -> dict:
    return {
        row["number"]: _upsert(
            model, row["place"], {"strategy": strategy, "number": row["number"]}, {f: row[f] for f in fields}
        )
        for row in rows
    }


def _import_themes(doc: dict, strategy: Strategy, aims: dict) -> dict:
    themes = {}
    for t in doc["themes"]:
        theme = _upsert(
            Theme, t["place"], {"strategy": strategy, "number": t["number"]},
            {"title": t["title"], "vision": t["vision"], "expected_outcomes": t["expected_outcomes"]},
        )  # fmt: skip
        wanted = {aims[n].pk for n in t["aims"]}
        if set(theme.aims.values_list("pk", flat=True)) != wanted:
            theme.aims.set(wanted)
            freshness.mark(strategy_wide=[strategy.pk])
        themes[t["number"]] = theme
    return themes


def _import_deliverable(d: dict, strategy: Strategy, themes: dict, principles: dict, users: dict) -> None:
    deliverable = _upsert(
        Deliverable,
        d["place"],
        {"strategy": strategy, "reference": d["reference"]},
        {
            "title": d["title"],
            "description": d["description"],
            "expected_outcome": d["expected_outcome"],
            "theme": themes[d["theme"]],
            "owner": users[d["owner"]],
            "lead_service": d["lead_service"],
            "start_date": d["start_date"],
            "due_date": d["due_date"],
            "weight": d["weight"],
            "is_active": d["is_active"],
        },
    )
    wanted = {users[name].pk for name in d["contributors"]}
    current = set(deliverable.contributors.values_list("pk", flat=True))
    if current != wanted:
        deliverable.contributors.set(wanted)
        freshness.mark(deliverables=[deliverable.pk], people=current ^ wanted)
    for j, link in enumerate(d["principles"]):
        _upsert(
            DeliverablePrinciple, f"{d['place']}.principles[{j}]",
            {"deliverable": deliverable, "principle": principles[link["number"]]}, {"note": link["note"]},
        )  # fmt: skip
    for j, ms in enumerate(d["milestones"]):
        _upsert(
            Milestone, f"{d['place']}.milestones[{j}]",
            {"deliverable": deliverable, "title": ms["title"]}, {"due_date": ms["due_date"]},
            # When a milestone was completed is progress, recorded by officers: the file's date only starts a new one.
            on_create={"completed_on": ms["completed_on"]},
        )  # fmt: skip


def _import_periods(doc: dict, strategy: Strategy) -> None:
    if not doc["periods"]:
        reporting_periods_generate(strategy=strategy)
        return
    # Close the currently open period first if the document opens another, so the one-open-period rule holds at
    # every step.
    opening = [p["start_date"] for p in doc["periods"] if p["status"] == ReportingPeriod.Status.OPEN]
    if opening:
        closing = strategy.periods.filter(status=ReportingPeriod.Status.OPEN).exclude(start_date=opening[0])
        if closing.update(status=ReportingPeriod.Status.CLOSED):
            freshness.mark(strategy_wide=[strategy.pk])
    for p in doc["periods"]:
        values = {k: p[k] for k in ("label", "end_date", "deadline", "status")}
        _upsert(ReportingPeriod, p["place"], {"strategy": strategy, "start_date": p["start_date"]}, values)


def strategy_import(*, data: Any) -> Strategy:
    """Create or update a strategy from a document (see module docstring). All or nothing."""
    doc = _parse(data)
    users = doc.pop("users")
    try:
        with freshness.atomic():
            strategy = _import_header(doc)
            aims = _import_numbered(Aim, doc["aims"], strategy, ["title", "description"])
            principles = _import_numbered(Principle, doc["principles"], strategy, ["title", "description"])
            themes = _import_themes(doc, strategy, aims)
            for d in doc["deliverables"]:
                _import_deliverable(d, strategy, themes, principles, users)
            _import_periods(doc, strategy)
    except IntegrityError as exc:
        raise StrategyImportError([("document", f"it conflicts with data already in the portal ({exc})")]) from exc
    return strategy


def strategy_loads(*, text: str, fmt: str | None = None) -> Strategy:
    """Parse YAML or JSON text (JSON is valid YAML, so YAML parsing reads both) and import it."""
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else f"line {getattr(exc, 'lineno', '?')}"
        raise StrategyImportError([(place, f"the file is not valid {fmt or 'YAML or JSON'}: {exc}")]) from exc
    return strategy_import(data=data)
