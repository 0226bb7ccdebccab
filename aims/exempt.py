"""Exempt information (Local Government Act 1972, Schedule 12A, Part 1): the one home for its paragraphs and words.

Committee papers are public unless they hold information exempt under one of the seven paragraphs. A deliverable,
a progress update's text fields or a report's sections can be marked exempt, naming the paragraph. Everything that
leaves the portal for the public (public pages, open data, the anonymous API, the public version of a report)
shows `notice(paragraph)` in place of exempt content; the exempt version of a report carries `marking(...)` on
every page and is for people with a role in the strategy only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Paragraph(models.IntegerChoices):
    INDIVIDUAL = 1, "1: information relating to any individual"
    IDENTITY = 2, "2: information likely to reveal the identity of an individual"
    FINANCIAL = 3, "3: the financial or business affairs of any particular person (including the council)"
    LABOUR_RELATIONS = 4, "4: consultations or negotiations on labour relations"
    LEGAL_PRIVILEGE = 5, "5: information subject to legal professional privilege"
    NOTICES = 6, "6: notices, orders or directions the council proposes to give or make"
    CRIME = 7, "7: the prevention, investigation or prosecution of crime"


# The text fields of a progress update that an officer may mark exempt, with the words the form uses for them.
UPDATE_FIELDS = {
    "achieved": "What has been achieved",
    "next_steps": "What happens next",
    "risks_issues": "Risks and issues",
    "corrective_action": "Corrective action",
}


def notice(paragraph: int) -> str:
    """What the public version shows in place of exempt content."""
    return (
        f"Exempt information: not for publication by virtue of paragraph {int(paragraph)} of Part 1 of "
        "Schedule 12A to the Local Government Act 1972."
    )


def paragraphs_phrase(paragraphs: Iterable[int]) -> str:
    numbers = sorted({int(p) for p in paragraphs})
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"paragraph {numbers[0]}"
    return "paragraphs " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def marking(paragraphs: Iterable[int]) -> str:
    """The marking on every page of an exempt version (short: it shares the page's top margin)."""
    return f"NOT FOR PUBLICATION: Schedule 12A, {paragraphs_phrase(paragraphs)}"


def valid_paragraph(value: object) -> int | None:
    """The paragraph number if `value` names one of the seven, else None."""
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number in Paragraph.values else None
