"""Generate the benchmark data set in portal_bench, fast (bulk_create throughout, no factories, no signals).

    .venv/bin/python -m bench.generate --full     # 5 strategies x 2,000 deliverables, 50,000 updates, 100 users
    .venv/bin/python -m bench.generate --quick    # 1 strategy x 300 deliverables

Everything already in portal_bench is removed first (TRUNCATE), so a run always starts from the same data.
The random generator is seeded: the same mode on the same day gives the same data. Reporting periods are
quarterly and placed relative to today: 7 closed quarters and the open one that contains today.

Besides the main strategies there are small fixture strategies, all in the same data:
- `bench-q20`: 20 deliverables, owned by two officers who own nothing else (queries per page "at 20");
- `bench-pdf-50`, `bench-pdf-300`, `bench-pdf-1200`: every deliverable active and started, for the committee
  report PDFs of exactly those sizes (full appendix) and the Celery measurements.

Writes bench/.data/manifest.json: what was made, the ids the measurements need, counts and generation time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from decimal import Decimal

from bench import common

MODES = {
    "full": {
        "main": [2000] * 5,
        "extra": {"bench-q20": 20, "bench-pdf-50": 50, "bench-pdf-300": 300, "bench-pdf-1200": 1200},
        "updates": 50_000,
        "users": 100,
        "files": 60,
    },
    "quick": {
        "main": [300],
        "extra": {"bench-q20": 20, "bench-pdf-50": 50, "bench-pdf-300": 300},
        "updates": None,  # whatever the plan gives
        "users": 100,
        "files": 12,
    },
}
PERIODS = 8  # 7 closed quarters and the open one
SEED = 20260401
BATCH = 2000
PASSWORD = "bench-password-not-secret-42"  # noqa: S105 - benchmark users only, in portal_bench

FIRST = ["Amira", "Ben", "Chloe", "Dev", "Elena", "Finn", "Grace", "Hamza", "Isla", "Jack", "Kiran", "Lucy",
         "Mohammed", "Nia", "Oliver", "Priya", "Rhys", "Sofia", "Tom", "Uma"]  # fmt: skip
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor", "Walsh"]  # fmt: skip
SERVICES = ["ICT", "Customer Services", "Revenues and Benefits", "Adult Social Care", "Children's Services",
            "Planning", "Waste and Recycling", "Housing", "Finance", "HR and Payroll", "Legal",
            "Libraries"]  # fmt: skip
VERBS = ["Replace", "Migrate", "Introduce", "Automate", "Redesign", "Consolidate", "Digitise", "Procure",
         "Roll out", "Retire", "Integrate", "Pilot"]  # fmt: skip
THINGS = ["the housing repairs system", "online council tax accounts", "the planning portal", "Wi-Fi in libraries",
          "the customer contact platform", "electronic social care records", "the intranet", "the payroll system",
          "data sharing with health partners", "the waste collection app", "telephony", "the records archive",
          "cyber security monitoring", "the booking system for leisure centres", "open data publication"]  # fmt: skip
ACHIEVED = [
    "The {service} team completed {m} of the planned milestones this quarter, including user research with "
    "{n} residents and a review of the current process.",
    "Supplier engagement finished and the business case was approved by the Digital Board. Data cleansing of "
    "{n} records is under way, with {m} data quality issues resolved.",
    "Testing of the new service with staff in {service} went well; {n} defects were found and all but {m} fixed. "
    "Training material has been drafted.",
    "The pilot ran in two areas for six weeks with {n} transactions completed online. Feedback was positive and "
    "the team has agreed {m} improvements before wider roll-out.",
    "Procurement was completed through a framework agreement. The contract was signed and mobilisation meetings "
    "have taken place with {service}.",
    "Integration with the corporate identity service is built and {m} of the interfaces have passed assurance. "
    "The data protection impact assessment was signed off.",
]
NEXT = [
    "Complete user acceptance testing and agree the go-live date with {service}.",
    "Finish the data migration rehearsal and brief front-line staff before roll-out.",
    "Report the pilot results to the Digital Board and plan phase two.",
    "Decommission the old system once the new one has run in parallel for a month.",
    "Procure the remaining licences and start training the first cohort of users.",
]
RISKS = [
    "Staff availability in {service} during the peak period may delay testing.",
    "The supplier's release schedule may slip; this is being monitored weekly.",
    "",
    "",
]
CORRECTIVE = [
    "A recovery plan was agreed with the supplier: extra developers from next month and weekly progress checks "
    "reported to the Director of {service}.",
    "The project board re-profiled the plan, moved {m} milestones into the next quarter and secured temporary "
    "staff from the ICT capacity budget.",
    "Escalated to the Corporate Leadership Team; a revised timetable will be taken to the next Digital Board.",
]


def _fill(template: str, rng: random.Random, service: str) -> str:
    return template.format(service=service, n=rng.randint(12, 900), m=rng.randint(2, 9))


def quarter_starts(today: dt.date) -> list[dt.date]:
    from aims.services import add_months

    current = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [add_months(current, -3 * k) for k in range(PERIODS - 1, -1, -1)]


def truncate_all() -> None:
    """Empty every table of portal_bench except the migration record, content types and permissions."""
    from django.db import connection

    keep = {"django_migrations", "django_content_type", "auth_permission"}
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t not in keep]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def history_rows(model, objects, *, when, who, kind="+", overrides=None) -> list:
    """Historical rows (django-simple-history) for objects made with bulk_create, which writes none itself."""
    history = model.history.model
    fields = [f.attname for f in history.tracked_fields]
    rows = []
    for obj in objects:
        values = {name: getattr(obj, name) for name in fields}
        if overrides:
            values.update(overrides(obj))
        rows.append(
            history(
                **values,
                history_date=when(obj),
                history_type=kind,
                history_user_id=who(obj),
                history_change_reason=None,
            )
        )
    return rows


def plan_updates(rng: random.Random, *, start_index: int, is_pdf: bool) -> list[dict]:
    """One deliverable's progress across the periods from its start: percent climbs at its own pace, RAG mostly
    green with some amber and the odd run of red; complete means 100% and ends the updates."""
    plan = []
    pace = rng.choice([7, 10, 12, 15, 18, 22, 30])
    troubled = rng.random() < 0.18
    red_from = rng.randint(start_index, PERIODS - 1)
    red_for = rng.choice([1, 2])
    percent = 0
    for p in range(start_index, PERIODS):
        is_open = p == PERIODS - 1
        if is_open and rng.random() > 0.6:
            break  # no update yet in the open period: on the chase list
        if p == start_index and rng.random() < 0.25:
            rag, percent = "not_started", 0
        else:
            percent = min(100, percent + max(1, int(pace * rng.uniform(0.5, 1.4))))
            if troubled and red_from <= p < red_from + red_for:
                rag, percent = "red", max(0, percent - pace // 2)
            elif percent >= 100:
                rag, percent = "complete", 100
            elif rng.random() < 0.16 or (troubled and p == red_from + red_for):
                rag = "amber"
            else:
                rag = "green"
        if is_open:
            state = rng.choices(["submitted", "draft", "returned", "accepted"], [45, 35, 12, 8])[0]
        elif p == PERIODS - 2 and not is_pdf:
            state = rng.choices(["accepted", "submitted", "returned", "draft"], [90, 7, 2, 1])[0]
        else:
            state = "accepted"
        plan.append({"period": p, "rag": rag, "percent": percent, "state": state})
        if rag == "complete":
            break
    return plan


def generate(mode: str) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Membership, Role, User
    from aims import status_rows
    from aims.models import (
        Aim,
        Deliverable,
        Evidence,
        Milestone,
        Organisation,
        ProgressUpdate,
        ReportingPeriod,
        Strategy,
        Theme,
    )
    from aims.services import add_months, period_label
    from principles.models import DeliverablePrinciple, Principle

    cfg = MODES[mode]
    rng = random.Random(SEED)
    started = time.monotonic()
    today = timezone.localdate()
    now = timezone.now()
    tz = timezone.get_current_timezone()
    starts = quarter_starts(today)
    ends = [add_months(start, 3) - dt.timedelta(days=1) for start in starts]
    assert ends[-1] >= today >= starts[-1]

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        value = dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=tz)
        return min(value, now - dt.timedelta(minutes=rng.randint(5, 600)))

    truncate_all()
    timings = {}

    with transaction.atomic():
        # People: 5 leads, 10 board members, 3 clerks; the rest are officers who own deliverables.
        password = make_password(PASSWORD)
        users = [
            User(
                username=f"bench{i:03d}",
                first_name=FIRST[i % len(FIRST)],
                last_name=LAST[(i * 7) % len(LAST)],
                email=f"bench{i:03d}@example.gov.uk",
                password=password,
                job_title=["Strategy Lead", "Board Member", "Committee Clerk", "Project Officer"][
                    0 if i < 5 else 1 if i < 15 else 2 if i < 18 else 3
                ],
                service=SERVICES[i % len(SERVICES)],
                date_joined=now,
            )
            for i in range(cfg["users"])
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        leads, board, clerks = users[:5], users[5:15], users[15:18]
        small_officers, officers = users[18:20], users[20:]

        organisation = Organisation.objects.create(
            name="Benchmark Borough Council",
            slug="benchmark-borough",
            address="Town Hall\nHigh Street\nBenchton BT1 1AA",
            email="digital@benchmark.example.gov.uk",
            telephone="01234 567890",
        )
        specs = [(f"bench-main-{n + 1}", size, "main") for n, size in enumerate(cfg["main"])]
        specs += [(slug, size, "pdf" if "pdf" in slug else "small") for slug, size in cfg["extra"].items()]
        strategies = []
        for n, (slug, _size, _kind) in enumerate(specs):
            strategies.append(
                Strategy(
                    organisation=organisation,
                    title=f"Digital Strategy {slug.removeprefix('bench-').replace('-', ' ').title()}",
                    slug=slug,
                    summary="A benchmark strategy.",
                    vision="Services so good that people prefer to use them online.",
                    start_date=starts[0],
                    end_date=dt.date(starts[-1].year + 2, starts[-1].month, 1),
                    cadence="quarterly",
                    status="adopted",
                    adopted_on=starts[0],
                    adopted_by="Corporate Policy Committee",
                    is_published=n % 2 == 0,
                )
            )
        Strategy.objects.bulk_create(strategies)

        periods: dict[int, list] = {}
        period_objs = []
        for s in strategies:
            periods[s.pk] = [
                ReportingPeriod(
                    strategy=s,
                    label=period_label(starts[i], ends[i]),
                    start_date=starts[i],
                    end_date=ends[i],
                    deadline=ends[i] if i == PERIODS - 1 else ends[i] + dt.timedelta(days=14),
                    status="open" if i == PERIODS - 1 else "closed",
                )
                for i in range(PERIODS)
            ]
            period_objs += periods[s.pk]
        ReportingPeriod.objects.bulk_create(period_objs)

        aims, themes, principles = {}, {}, {}
        aim_objs, theme_objs, principle_objs = [], [], []
        for s, (_slug, size, _kind) in zip(strategies, specs, strict=True):
            n_aims, n_themes = (3, 4) if size <= 20 else (5, 12)
            aims[s.pk] = [
                Aim(strategy=s, number=i + 1, title=f"Aim {i + 1}: {THINGS[i].capitalize()} for everyone")
                for i in range(n_aims)
            ]
            themes[s.pk] = [
                Theme(strategy=s, number=i + 1, title=f"{SERVICES[i % len(SERVICES)]} transformation")
                for i in range(n_themes)
            ]
            principles[s.pk] = [
                Principle(strategy=s, number=i + 1, title=f"Principle {i + 1}", description="Design with users.")
                for i in range(8)
            ]
            aim_objs += aims[s.pk]
            theme_objs += themes[s.pk]
            principle_objs += principles[s.pk]
        Aim.objects.bulk_create(aim_objs)
        Theme.objects.bulk_create(theme_objs)
        Principle.objects.bulk_create(principle_objs)
        theme_aims = []
        for s in strategies:
            for i, theme in enumerate(themes[s.pk]):
                chosen = {i % len(aims[s.pk])} | ({rng.randrange(len(aims[s.pk]))} if rng.random() < 0.4 else set())
                theme_aims += [Theme.aims.through(theme_id=theme.pk, aim_id=aims[s.pk][a].pk) for a in chosen]
        Theme.aims.through.objects.bulk_create(theme_aims)

        memberships = []
        for n, s in enumerate(strategies):
            memberships.append(Membership(user=leads[n % len(leads)], strategy=s, role=Role.LEAD))
            memberships += [Membership(user=u, strategy=s, role=Role.BOARD) for u in board]
            memberships += [Membership(user=u, strategy=s, role=Role.CLERK) for u in clerks]

        # Deliverables, each with a planned run of updates.
        deliverables, plans = [], []
        owners_by_strategy: dict[int, set[int]] = {}
        for s, (slug, size, kind) in zip(strategies, specs, strict=True):
            prefix = slug.removeprefix("bench-").upper().replace("MAIN-", "M")
            for i in range(size):
                if kind == "pdf":  # everything in scope for the latest closed period
                    start_index = rng.choices(range(6), [50, 15, 10, 10, 8, 7])[0]
                else:
                    start_index = rng.choices(range(7), [45, 12, 10, 10, 8, 8, 7])[0]
                start = starts[start_index] + dt.timedelta(days=rng.randint(0, 60))
                due = start + dt.timedelta(days=rng.randint(180, 900))
                owner = small_officers[0] if kind == "small" else rng.choice(officers)
                owners_by_strategy.setdefault(s.pk, set()).add(owner.pk)
                theme = rng.choice(themes[s.pk])
                deliverables.append(
                    Deliverable(
                        strategy=s,
                        theme=theme,
                        reference=f"{prefix}-{i + 1:04d}",
                        title=f"{rng.choice(VERBS)} {rng.choice(THINGS)} ({i + 1})",
                        description="What will be done, for whom, and how success will be measured.",
                        expected_outcome="Residents can do more online; staff spend less time re-keying data.",
                        owner=owner,
                        lead_service=rng.choice(SERVICES),
                        start_date=start,
                        due_date=due,
                        weight=rng.choice([Decimal("1"), Decimal("1"), Decimal("1"), Decimal("2"), Decimal("0.5")]),
                        is_active=kind != "main" or rng.random() > 0.02,
                    )
                )
                plans.append(plan_updates(rng, start_index=start_index, is_pdf=kind == "pdf"))
        Deliverable.objects.bulk_create(deliverables, batch_size=BATCH)
        for s in strategies:
            memberships += [Membership(user_id=uid, strategy=s, role=Role.OFFICER) for uid in owners_by_strategy[s.pk]]
        Membership.objects.bulk_create(memberships, batch_size=BATCH)

        contributors = [
            Deliverable.contributors.through(
                deliverable_id=d.pk,
                user_id=small_officers[1].pk if d.owner == small_officers[0] else rng.choice(officers).pk,
            )
            for d in deliverables
            if d.owner == small_officers[0] or rng.random() < 0.15
        ]
        Deliverable.contributors.through.objects.bulk_create(contributors, batch_size=BATCH, ignore_conflicts=True)
        links = []
        for d in deliverables:
            for principle in rng.sample(principles[d.strategy_id], rng.randint(1, 3)):
                links.append(
                    DeliverablePrinciple(
                        deliverable=d, principle=principle, note="Tested with users." if rng.random() < 0.3 else ""
                    )
                )
        DeliverablePrinciple.objects.bulk_create(links, batch_size=BATCH)
        milestones = [
            Milestone(
                deliverable=d,
                title=f"Milestone {k + 1}",
                due_date=d.start_date + dt.timedelta(days=90 * (k + 1)),
                completed_on=(d.start_date + dt.timedelta(days=90 * (k + 1)))
                if d.start_date + dt.timedelta(days=90 * (k + 1)) < today and rng.random() < 0.7
                else None,
            )
            for d in deliverables
            for k in range(rng.randint(0, 3))
        ]
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        timings["tree_s"] = round(time.monotonic() - started, 1)

        # Trim the plan to the wanted number of updates: drop accepted, not-complete updates of older closed
        # periods at random (a missed quarter; the figures carry the last reported percent forward).
        planned = sum(len(p) for p in plans)
        started_slots = sum(
            sum(1 for e in ends if d.start_date <= e) for d in deliverables
        )  # deliverable-periods with the deliverable started by the period's end
        if cfg["updates"] and planned > cfg["updates"]:
            droppable = [
                (i, j)
                for i, plan in enumerate(plans)
                for j, item in enumerate(plan)
                if item["period"] < PERIODS - 2 and item["rag"] != "complete" and j > 0
            ]
            drop = set(rng.sample(droppable, min(len(droppable), planned - cfg["updates"])))
            plans = [[item for j, item in enumerate(plan) if (i, j) not in drop] for i, plan in enumerate(plans)]

        updates, stamps = [], []
        for d, plan in zip(deliverables, plans, strict=True):
            service = d.lead_service
            for item in plan:
                p = item["period"]
                period = periods[d.strategy_id][p]
                rag, state = item["rag"], item["state"]
                if p == PERIODS - 1:
                    recent = max(period.start_date, today - dt.timedelta(days=40))
                    created = moment(recent + dt.timedelta(days=rng.randint(0, 10)))
                else:
                    created = moment(period.end_date - dt.timedelta(days=rng.randint(3, 25)))
                submitted = (
                    min(created + dt.timedelta(days=rng.randint(0, 4), hours=2), now) if state != "draft" else None
                )
                reviewed = (
                    min(submitted + dt.timedelta(days=rng.randint(2, 20)), now)
                    if state in ("accepted", "returned")
                    else None
                )
                achieved = " ".join(_fill(t, rng, service) for t in rng.sample(ACHIEVED, rng.randint(1, 2)))
                updates.append(
                    ProgressUpdate(
                        deliverable=d,
                        period=period,
                        rag_status=rag,
                        percent_complete=item["percent"],
                        achieved=achieved if rag != "not_started" else "Work has not started yet.",
                        next_steps=_fill(rng.choice(NEXT), rng, service),
                        risks_issues=_fill(rng.choice(RISKS), rng, service),
                        corrective_action=_fill(rng.choice(CORRECTIVE), rng, service)
                        if rag == "red" or (rag == "amber" and rng.random() < 0.5)
                        else "",
                        state=state,
                        author_id=d.owner_id,
                        reviewer_id=rng.choice(board).pk if reviewed else None,
                        review_comment="Please add the figures for the pilot." if state == "returned" else "",
                        submitted_at=submitted,
                        reviewed_at=reviewed,
                        version=1 + (state != "draft") + (reviewed is not None),
                    )
                )
                stamps.append((created, reviewed or submitted or created))
        ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE aims_progressupdate u SET created_at = v.c, updated_at = v.m "
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS v(id, c, m) WHERE u.id = v.id",
                [[u.pk for u in updates], [c for c, _ in stamps], [m for _, m in stamps]],
            )
        created_of = {u.pk: c for u, (c, _) in zip(updates, stamps, strict=True)}
        timings["updates_s"] = round(time.monotonic() - started, 1)

        # Evidence: links, figures and notes, and a few files (tiny ones, written to the benchmark's media).
        media = common.DATA / "media" / "evidence" / "bench"
        media.mkdir(parents=True, exist_ok=True)
        evidence, files_left = [], cfg["files"]
        for u in updates:
            count = rng.choices([0, 1, 2, 3], [10, 62, 22, 6])[0] if u.state != "draft" else rng.choice([0, 1])
            for k in range(count):
                if files_left and rng.random() < 0.01:
                    files_left -= 1
                    content = f"Evidence for {u.deliverable.reference} ({u.period.label}), item {k + 1}.\n".encode()
                    name = f"evidence/bench/{u.deliverable.reference.lower()}-{u.period_id}-{k}.txt"
                    (common.DATA / "media" / name).write_bytes(content)
                    evidence.append(
                        Evidence(update=u, kind="file", file=name, title="Project board minutes",
                                 original_name=name.rsplit("/", 1)[1], size_bytes=len(content),
                                 content_type="text/plain", sha256=hashlib.sha256(content).hexdigest(),
                                 added_by_id=u.author_id)
                    )  # fmt: skip
                    continue
                kind = rng.choices(["link", "figure", "note"], [45, 25, 30])[0]
                if kind == "link":
                    evidence.append(
                        Evidence(update=u, kind="link", title="Report to the Digital Board",
                                 url=f"https://intranet.benchmark.example.gov.uk/digital-board/{u.period_id}/{u.deliverable.reference.lower()}",
                                 added_by_id=u.author_id)
                    )  # fmt: skip
                elif kind == "figure":
                    evidence.append(
                        Evidence(update=u, kind="figure", title="Transactions completed online",
                                 figure_value=Decimal(rng.randint(10, 50000)), figure_unit="transactions",
                                 added_by_id=u.author_id)
                    )  # fmt: skip
                else:
                    note = _fill(rng.choice(ACHIEVED), rng, u.deliverable.lead_service)
                    evidence.append(Evidence(update=u, kind="note", note=note, added_by_id=u.author_id))
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE aims_evidence e SET created_at = v.c FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, c) "
                "WHERE e.id = v.id",
                [[e.pk for e in evidence], [created_of[e.update_id] for e in evidence]],
            )
        timings["evidence_s"] = round(time.monotonic() - started, 1)

        # History, as the app would have written it: created as a draft, submitted, then reviewed.
        H = ProgressUpdate.history.model
        hist = history_rows(
            ProgressUpdate,
            updates,
            when=lambda u: created_of[u.pk],
            who=lambda u: u.author_id,
            overrides=lambda u: {"state": "draft", "submitted_at": None, "reviewed_at": None, "reviewer_id": None,
                                 "review_comment": "", "version": 1, "created_at": created_of[u.pk],
                                 "updated_at": created_of[u.pk]},
        )  # fmt: skip
        submitted = [u for u in updates if u.submitted_at]
        hist += history_rows(
            ProgressUpdate,
            submitted,
            kind="~",
            when=lambda u: u.submitted_at,
            who=lambda u: u.author_id,
            overrides=lambda u: {"state": "submitted", "reviewed_at": None, "reviewer_id": None, "review_comment": "",
                                 "version": 2, "created_at": created_of[u.pk], "updated_at": u.submitted_at},
        )  # fmt: skip
        reviewed = [u for u in updates if u.reviewed_at]
        hist += history_rows(
            ProgressUpdate,
            reviewed,
            kind="~",
            when=lambda u: u.reviewed_at,
            who=lambda u: u.reviewer_id,
            overrides=lambda u: {"created_at": created_of[u.pk], "updated_at": u.reviewed_at},
        )
        H.objects.bulk_create(hist, batch_size=BATCH)
        Evidence.history.model.objects.bulk_create(
            history_rows(Evidence, evidence, when=lambda e: created_of[e.update_id], who=lambda e: e.added_by_id),
            batch_size=BATCH,
        )
        first_day = moment(starts[0])
        Deliverable.history.model.objects.bulk_create(
            history_rows(Deliverable, deliverables, when=lambda d: first_day, who=lambda d: leads[0].pk),
            batch_size=BATCH,
        )
        for model, objs in ((Strategy, strategies), (Aim, aim_objs), (Theme, theme_objs), (Principle, principle_objs)):
            model.history.model.objects.bulk_create(
                history_rows(model, objs, when=lambda o: first_day, who=lambda o: leads[0].pk), batch_size=BATCH
            )
        DeliverablePrinciple.history.model.objects.bulk_create(
            history_rows(DeliverablePrinciple, links, when=lambda o: first_day, who=lambda o: leads[0].pk),
            batch_size=BATCH,
        )
        timings["history_s"] = round(time.monotonic() - started, 1)

    # bulk_create sends no freshness marks: the status rows (aims/status_rows.py) are computed once, in SQL.
    rows_started = time.monotonic()
    with transaction.atomic():
        status_rows.rebuild_all()
    timings["status_rows_s"] = round(time.monotonic() - rows_started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["total_s"] = round(time.monotonic() - started, 1)

    # What the measurements need.
    by_slug = {s.slug: s for s in strategies}
    deliverables_by_strategy: dict[int, list] = {}
    for d in deliverables:
        deliverables_by_strategy.setdefault(d.strategy_id, []).append(d)
    owned: dict[int, list[int]] = {}
    for d in deliverables:
        if d.is_active and d.strategy.slug.startswith("bench-main"):
            owned.setdefault(d.owner_id, []).append(d.pk)

    def info(s) -> dict:
        ds = deliverables_by_strategy[s.pk]
        return {
            "id": s.pk,
            "slug": s.slug,
            "deliverables": len(ds),
            "active": sum(d.is_active for d in ds),
            "open_period": periods[s.pk][-1].pk,
            "latest_closed_period": periods[s.pk][-2].pk,
        }

    counts = {
        "strategies": len(strategies),
        "deliverables": len(deliverables),
        "progress_updates": len(updates),
        "evidence": len(evidence),
        "evidence_files": cfg["files"] - files_left,
        "users": len(users),
        "memberships": len(memberships),
        "aims": len(aim_objs),
        "themes": len(theme_objs),
        "principles": len(principle_objs),
        "principle_links": len(links),
        "milestones": len(milestones),
        "reporting_periods": len(period_objs),
        "history_rows_progress_updates": len(hist),
    }
    states: dict[str, int] = {}
    rags: dict[str, int] = {}
    for u in updates:
        key = f"{'open' if u.period.status == 'open' else 'closed'}:{u.state}"
        states[key] = states.get(key, 0) + 1
        rags[u.rag_status] = rags.get(u.rag_status, 0) + 1
    owned_counts = sorted(len(v) for v in owned.values())
    return {
        "mode": mode,
        "today": today.isoformat(),
        "generated_at": now.isoformat(),
        "seed": SEED,
        "password": PASSWORD,
        "timings": timings,
        "counts": counts,
        "update_states": dict(sorted(states.items())),
        "update_rag": dict(sorted(rags.items())),
        "deliverable_periods": PERIODS * len(deliverables),
        "started_deliverable_periods": started_slots,
        "planned_updates": planned,
        "main": [info(s) for s in strategies if s.slug.startswith("bench-main")],
        "extra": {slug: info(by_slug[slug]) for slug in cfg["extra"]},
        "users": {
            "leads": [u.pk for u in leads],
            "board": [u.pk for u in board],
            "clerks": [u.pk for u in clerks],
            "small_officers": [u.pk for u in small_officers],
            "officers": [u.pk for u in officers],
        },
        "officer_deliverables": {str(k): v for k, v in owned.items()},
        "deliverables_per_officer": {
            "min": owned_counts[0],
            "median": owned_counts[len(owned_counts) // 2],
            "max": owned_counts[-1],
        },
    }


def main() -> None:
    parser = common.mode_parser(__doc__)
    args = parser.parse_args()
    common.django_setup()
    manifest = generate(args.mode)
    common.write_json(common.DATA / "manifest.json", manifest)
    c = manifest["counts"]
    print(
        f"Generated {args.mode} data in {manifest['timings']['total_s']} s: {c['strategies']} strategies, "
        f"{c['deliverables']} deliverables, {c['progress_updates']} updates, {c['evidence']} evidence, "
        f"{c['users']} users"
    )


if __name__ == "__main__":
    main()
