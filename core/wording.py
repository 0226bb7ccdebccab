"""Dates, times and numbers in GOV.UK style (https://www.gov.uk/guidance/style-guide/a-to-z):
"1 December 2026", "5:25pm" (no leading zero, lower-case am and pm, "midday" and "midnight"), "21,450".

Django's own "a" format gives "p.m.", and "M" "Dec"; templates use the filters in aims/templatetags/portal.py,
Python code these functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

# The GOV.UK Design System's message for an email address in the wrong format, on every email field.
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def govuk_time(value: dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def govuk_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: dt.datetime) -> str:
    """ "1 December 2026 at 5:25pm"."""
    return f"{govuk_date(value)} at {govuk_time(value)}"


def govuk_number(value) -> str:
    """Numbers with thousands separators ("21,450", "1,234.5"); anything that is not a number as it is."""
    if isinstance(value, bool) or value is None or value == "":
        return "" if value in (None, "") else str(value)
    try:
        if isinstance(value, Decimal):  # 21450.0000 is "21,450", never "2.145E+4"
            return f"{value.normalize():,f}"
        return f"{value:,}"
    except (TypeError, ValueError):
        return str(value)
