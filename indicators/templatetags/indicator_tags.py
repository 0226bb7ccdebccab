"""``{% load indicator_tags %}``: an indicator's status as a tag and its direction of travel in words, from the
table in indicators/status.py (colour is never the only signal)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from indicators import status

register = template.Library()


@register.simple_tag
def indicator_status_tag(key: str) -> SafeString:
    entry = status.BY_KEY.get(key, status.BY_KEY[status.NO_DATA])
    return format_html('<strong class="govuk-tag app-rag {}">{}</strong>', entry.css_class, entry.label)


@register.filter
def direction(key: str | None) -> str:
    """``{{ row.direction_previous|direction }}``: "Improving", "Same", "Worsening" or "Not known"."""
    return status.direction_label(key)
