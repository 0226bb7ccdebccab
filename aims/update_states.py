"""Where a deliverable's update for the open period stands: the one table of names, tags and order.

The four stored states are `ProgressUpdate.State` (aims.models builds its choices from here); the officer's home
page adds two it works out ("not_started": nothing begun, "no_period": no period open). Read by the model, the
home page (`OfficerDeliverable`), the dashboard's chase list and the reminder emails (`ChaseItem`), and the
``{% update_state_tag %}`` template tag (aims/templatetags/portal.py).

Pure data: no database, no Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
SUBMITTED = "submitted"
ACCEPTED = "accepted"
RETURNED = "returned"
NOT_STARTED = "not_started"
NO_PERIOD = "no_period"


@dataclass(frozen=True)
class UpdateState:
    key: str
    label: str  # on the officer's home page, and the model's choice label
    tag_class: str  # GOV.UK tag colour, "" for the default
    waiting_label: str  # why it is still waiting, in the chase list and the reminders; "" when nothing is due
    stored: bool  # a ProgressUpdate.state


# In the order the officer's home page lists deliverables: what needs them first.
UPDATE_STATES: tuple[UpdateState, ...] = (
    UpdateState(RETURNED, "Returned", "govuk-tag--red", "Returned, not resubmitted", True),
    UpdateState(NOT_STARTED, "Not started", "govuk-tag--grey", "No update", False),
    UpdateState(DRAFT, "Draft", "govuk-tag--yellow", "Draft not submitted", True),
    UpdateState(SUBMITTED, "Submitted", "govuk-tag--blue", "", True),
    UpdateState(ACCEPTED, "Accepted", "govuk-tag--green", "", True),
    UpdateState(NO_PERIOD, "No open period", "", "", False),
)

BY_KEY: dict[str, UpdateState] = {state.key: state for state in UPDATE_STATES}
ORDER: dict[str, int] = {state.key: position for position, state in enumerate(UPDATE_STATES)}
# The model's choices, in the order updates move through them.
STORED: list[UpdateState] = [BY_KEY[key] for key in (DRAFT, SUBMITTED, ACCEPTED, RETURNED)]


def update_state(key: str) -> UpdateState:
    return BY_KEY[key]
