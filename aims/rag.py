"""RAG statuses: the one table of what each is called, what it means and how it is drawn.

Everything that names or colours a status reads it from here: the model's choices (`aims.models.RAG`), the
progress form's hints, the dashboard's figures, filters and charts, the committee PDF, and the ``{% rag_tag %}``
template tag (aims/templatetags/portal.py). The tag's look is in static/src/portal.scss (`.app-rag--<...>`);
the PDF's print colours are in templates/reports/pdf/report.html (`.rag-<key>`).

Pure data: no database, no Django imports, so models, charts and templates can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

RED = "red"
AMBER = "amber"
GREEN = "green"
COMPLETE = "complete"
NOT_STARTED = "not_started"
AWAITING_REVIEW = "awaiting_review"  # never stored: an update was submitted but is not counted (not reviewed yet)
NO_UPDATE = "no_update"  # never stored: what the figures say when no update says anything


@dataclass(frozen=True)
class RagStatus:
    key: str  # stored in ProgressUpdate.rag_status, and in links (?status=red)
    label: str  # what people read, on every page, in the PDF and in emails
    hint: str  # what it means, under its radio button on the progress form
    colour: str  # chart fill
    text_colour: str  # text written on that fill in a chart
    outline: str  # chart outline where the fill alone lacks 3:1 contrast with white, else ""
    css_class: str  # the tag's modifier class
    rank: int | None  # for direction of travel, higher is better; None cannot be compared
    reportable: bool  # an officer can choose it

    @property
    def pdf_class(self) -> str:
        return f"rag-{self.key}"


# In the order every table, chart and legend uses. Contrast against white (#ffffff), WCAG 2.x relative luminance:
#   red          #d4351c  4.86:1  (GOV.UK red)
#   amber        #e06a00  3.37:1  (GOV.UK orange #f47738 is only 2.78:1, so a darker orange that keeps >= 3:1;
#                                  it still reads as orange next to the red)
#   green        #00703c  6.21:1  (GOV.UK green)
#   complete     #1d70b8  5.17:1  (GOV.UK blue)
#   not started  #505a5f  7.07:1  (GOV.UK dark grey)
#   awaiting     #4c2c92 10.07:1  (GOV.UK purple)
#   no update    #b1b4b6  2.08:1  fails on its own, so it is always drawn with a #505a5f outline (7.07:1)
# Text on a fill: white on red 4.86, green 6.21, blue 5.17, dark grey 7.07, purple 10.07; #0b0c0c on amber 5.81,
# light grey 9.40.
RAG_TABLE: tuple[RagStatus, ...] = (
    RagStatus(
        RED, "Red", "Off track: it needs intervention. Say what the corrective action is.",
        "#d4351c", "#ffffff", "", "app-rag--red", 0, True,
    ),
    RagStatus(
        AMBER, "Amber", "At risk: there are problems, but the team expects to recover them.",
        "#e06a00", "#0b0c0c", "", "app-rag--amber", 1, True,
    ),
    RagStatus(
        GREEN, "Green", "On track to be delivered on time and to plan.",
        "#00703c", "#ffffff", "", "app-rag--green", 2, True,
    ),
    RagStatus(
        COMPLETE, "Complete", "Delivered. The deliverable is 100% complete.",
        "#1d70b8", "#ffffff", "", "app-rag--complete", 3, True,
    ),
    RagStatus(
        NOT_STARTED, "Not started", "Work has not started yet.",
        "#505a5f", "#ffffff", "", "app-rag--not-started", None, True,
    ),
    RagStatus(
        AWAITING_REVIEW, "Awaiting review",
        "An update was submitted but the Digital Board has not reviewed it yet, so these figures do not count it.",
        "#4c2c92", "#ffffff", "", "govuk-tag--purple", None, False,
    ),
    RagStatus(
        NO_UPDATE, "No update", "No update was submitted for the period.",
        "#b1b4b6", "#0b0c0c", "#505a5f", "app-rag--none", None, False,
    ),
)  # fmt: skip

BY_KEY: dict[str, RagStatus] = {status.key: status for status in RAG_TABLE}
KEYS: list[str] = [status.key for status in RAG_TABLE]
LABELS: dict[str, str] = {status.key: status.label for status in RAG_TABLE}
REPORTABLE: list[RagStatus] = [status for status in RAG_TABLE if status.reportable]


def rag_status(key: object) -> RagStatus:
    """The status for a key; anything else (blank, None, unknown) is "No update", as the tag has always shown."""
    return BY_KEY.get(key, BY_KEY[NO_UPDATE]) if isinstance(key, str) else BY_KEY[NO_UPDATE]
