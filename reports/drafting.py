"""The drafted text of a committee report: the purpose, the executive summary and the recommendations, drafted from the
figures of the chosen period with the chosen counting, and kept in step with those choices on the form.

A drafted field travels with a hidden mark: the hash of the draft its text started from. Text whose hash is
still its mark is untouched, so it follows the period and "Include updates not yet reviewed" when they change.
Text the clerk edited is never replaced silently: when the draft for the new choices differs, the form offers
it (`DraftOffer`) and the clerk replaces their text or keeps it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.http import QueryDict

from aims.models import ReportingPeriod, Strategy
from reports import selectors

DRAFTED_FIELDS = {
    "purpose": "Purpose of report",
    "executive_summary": "Executive summary",
    "recommendations": "Recommendations",
}
REPLACE, KEEP = "replace", "keep"  # the clerk's answer to an offer, posted as draft_choice=replace:<field>


def mark_field(name: str) -> str:
    """The hidden form field that carries the mark of a drafted field."""
    return f"{name}_draft"


def draft_mark(text: str) -> str:
    """The hash of a text, blind to the line endings a browser sends (CRLF) and to surrounding white space."""
    normal = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Drafts:
    """The drafted texts for one period and counting, with what the form says about updates awaiting review."""

    texts: dict[str, str]
    period_label: str
    include_submitted: bool
    awaiting_review: int
    counted_description: str

    def marks(self) -> dict[str, str]:
        return {mark_field(name): draft_mark(text) for name, text in self.texts.items()}


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def executive_summary_draft(*, strategy: Strategy, figures: selectors.PeriodFigures) -> str:
    s, c, period = figures.summary, figures.summary.counts, figures.period
    lines = [
        f"This report sets out progress on the {strategy.title} for {period.label}.",
        f"Of {_n(s.total, 'deliverable', 'deliverables')}, {c['complete']} "
        f"{'is' if c['complete'] == 1 else 'are'} complete, {c['green']} on track (green), {c['amber']} at risk "
        f"(amber) and {c['red']} off track (red); {c['not_started']} not started, {c['awaiting_review']} awaiting "
        f"review by the Digital Board and {c['no_update']} with no update for the period. Overall the strategy is "
        f"{s.percent_complete}% complete (weighted by deliverable).",
        figures.counted_description,
    ]
    if figures.previous and s.direction:
        lines.append(
            f"Compared with {figures.previous.label}, {_n(s.directions['better'], 'deliverable', 'deliverables')} "
            f"improved, {s.directions['worse']} worsened and {s.directions['same']} stayed the same."
        )
    if s.overdue:
        lines.append(f"{_n(s.overdue, 'deliverable is', 'deliverables are')} past the due date and not complete.")
    return "\n\n".join(lines)


def purpose_draft(*, strategy: Strategy, figures: selectors.PeriodFigures) -> str:
    return f"To report progress in delivering the {strategy.title} during {figures.period.label} to the Committee."


def recommendations_draft(*, strategy: Strategy, figures: selectors.PeriodFigures) -> str:
    red = figures.summary.counts["red"]
    corrective = (
        f", and the corrective actions in hand for the {_n(red, 'deliverable', 'deliverables')} reported red"
        if red
        else ""
    )
    return (
        f"That the Committee notes the progress made in delivering the {strategy.title} during "
        f"{figures.period.label}{corrective}."
    )


def report_drafts(*, strategy: Strategy, period: ReportingPeriod, include_submitted: bool, today=None) -> Drafts:
    """The drafts for a period and counting (selectors.counted_states), from the same figures as the report."""
    figures = selectors.period_figures(
        strategy=strategy, period=period, include_submitted=include_submitted, today=today
    )
    return Drafts(
        texts={
            "purpose": purpose_draft(strategy=strategy, figures=figures),
            "executive_summary": executive_summary_draft(strategy=strategy, figures=figures),
            "recommendations": recommendations_draft(strategy=strategy, figures=figures),
        },
        period_label=period.label,
        include_submitted=include_submitted,
        awaiting_review=figures.awaiting_review,
        counted_description=figures.counted_description,
    )


@dataclass(frozen=True)
class DraftOffer:
    """A drafted field whose text the clerk edited, while the draft for the current choices says otherwise."""

    name: str
    label: str
    draft: str

    @property
    def replace_value(self) -> str:
        return f"{REPLACE}:{self.name}"

    @property
    def keep_value(self) -> str:
        return f"{KEEP}:{self.name}"


def drafts_follow(*, data: QueryDict, drafts: Drafts, redraft: bool = False) -> list[DraftOffer]:
    """Bring posted drafted text in step with the posted choices, in `data` (a mutable copy of the POST).

    Untouched text (its hash is its mark) becomes the new draft. The clerk's answer to an offer
    (``draft_choice``) replaces their text or keeps it; either way the new draft becomes the mark, so the offer
    is not made again. Edited text is offered the new draft when the draft changed since the text started
    from it, or, on "Update the drafted text" (`redraft`), whenever it differs from the new draft.
    """
    choice, _, chosen = (data.get("draft_choice") or "").partition(":")
    offers = []
    for name, draft in drafts.texts.items():
        if mark_field(name) not in data:
            continue  # not drafted on this form: nothing says what the text started from
        text, mark, new = data.get(name, ""), data.get(mark_field(name), ""), draft_mark(draft)
        untouched = draft_mark(text) == mark
        if untouched or (chosen == name and choice == REPLACE):
            data[name] = draft
            data[mark_field(name)] = new
        elif chosen == name and choice == KEEP:
            data[mark_field(name)] = new
        elif draft_mark(text) != new and (mark != new or redraft):
            offers.append(DraftOffer(name=name, label=DRAFTED_FIELDS[name], draft=draft))
    return offers
