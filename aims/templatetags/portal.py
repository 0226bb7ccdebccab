"""The portal's template tags: ``{% load portal %}``.

``{% rag_tag status %}`` and ``{% update_state_tag state %}`` draw a status as a GOV.UK tag, named in words so
colour is never the only signal; names and classes come from the tables in aims/rag.py and
aims/update_states.py. ``{% rag_statuses %}`` and ``|count_of`` let a table have one column per status.
"""

from __future__ import annotations

from collections.abc import Mapping

from crispy_forms_gds.templatetags.crispy_forms_gds import field_errors
from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from aims import rules
from aims.rag import BY_KEY, RAG_TABLE, RagStatus, rag_status
from aims.update_states import update_state
from core import wording

register = template.Library()


@register.simple_tag
def rag_tag(key: object, pdf: bool = False) -> SafeString:
    """A RAG status as a tag; blank or unknown is "No update". ``pdf=True``: the committee PDF's bold text."""
    status = rag_status(key)
    if pdf:
        return format_html('<span class="rag {}">{}</span>', status.pdf_class, status.label)
    return format_html('<strong class="govuk-tag app-rag {}">{}</strong>', status.css_class, status.label)


@register.simple_tag
def update_state_tag(key: str) -> SafeString:
    """Where a deliverable's update stands, on the officer's home page."""
    state = update_state(key)
    classes = " ".join(c for c in ("govuk-tag", "app-state", f"app-state--{state.key}", state.tag_class) if c)
    return format_html('<strong class="{}">{}</strong>', classes, state.label)


@register.simple_tag
def rag_statuses(*keys: str) -> list[RagStatus]:
    """``{% rag_statuses as statuses %}``: every status in table order; or only those named, in that order."""
    return [BY_KEY[key] for key in keys] if keys else list(RAG_TABLE)


@register.filter
def count_of(counts: Mapping[str, int], status: RagStatus) -> int:
    """``{{ counts|count_of:status }}``: the count for one status from a mapping of status keys to counts."""
    return counts.get(status.key, 0)


@register.filter
def percent(value, blank: str = "Not given") -> str:
    """``{{ update.percent_complete|percent }}``: "40%"; a draft's blank percent is "Not given" (or `blank`)."""
    return blank if value is None or value == "" else f"{value}%"


@register.filter
def error_links(bound_field) -> list[tuple[str, list]]:
    """crispy-forms-gds's ``field_errors``, with a list of radios linked to its first radio (``id_<name>_1``,
    as crispy-forms-gds numbers them): the field's own id names no element, so the link went nowhere."""
    items = list(field_errors(bound_field))
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect) and not isinstance(widget, forms.CheckboxSelectMultiple):
        return [(f"{key}_1" if key == bound_field.auto_id else key, errors) for key, errors in items]
    return items


@register.filter
def number(value) -> str:
    """``{{ n|number }}``: a count or figure with thousands separators, "21,450" (core/wording.py)."""
    return wording.govuk_number(value)


@register.filter
def govuk_time(value) -> str:
    """``{{ when|govuk_time }}``: "5:25pm", "midday", "midnight"; never Django's "5:25 p.m."."""
    return wording.govuk_time(value) if value else ""


@register.filter
def govuk_datetime(value) -> str:
    """``{{ when|govuk_datetime }}``: "1 December 2026 at 5:25pm"."""
    return wording.govuk_datetime(value) if value else ""


@register.filter
def reviews_updates(user) -> bool:
    """Whether "Updates to review" is open to this person (a Digital Board member somewhere), so a page links there
    only for those it would not refuse."""
    return rules.is_board_member_anywhere(user)
