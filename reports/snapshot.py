"""The data snapshot a report version is rendered from.

Taken once, when a version is generated, from the same selectors as the dashboard; stored as JSON with the
version. The PDF is rendered from the snapshot alone, so an issued version never changes whatever happens to
progress afterwards.
"""

from __future__ import annotations

import base64

from django.utils import timezone

from aims import logos
from aims.models import Evidence, ProgressUpdate
from indicators import status as indicator_status
from indicators.selectors import IndicatorRow, indicator_summary
from reports import selectors
from reports.models import ProgressReport

SUMMARY_LIMIT = 600


def _figures(f: selectors.Figures) -> dict:
    return {
        "counts": f.counts,
        "total": f.total,
        "overdue": f.overdue,
        "percent_complete": f.percent_complete,
        "direction": f.direction_label if f.direction else "",
        "directions": f.directions,
    }


def _clip(text: str, limit: int = SUMMARY_LIMIT) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _evidence_detail(item: Evidence) -> str:
    if item.kind == Evidence.Kind.FILE:
        return f"File: {item.original_name} ({item.content_type}, {item.size_bytes or 0:,} bytes)"
    if item.kind == Evidence.Kind.LINK:
        return f"Link: {item.url}"
    if item.kind == Evidence.Kind.FIGURE:
        value = item.figure_value.normalize() if item.figure_value is not None else ""
        return f"Figure: {value:f} {item.figure_unit}".rstrip() if value != "" else "Figure"
    return f"Note: {_clip(item.note, 200)}"


def snapshot_build(*, report: ProgressReport, today=None) -> dict:
    """Everything the committee report shows, as plain JSON-ready values."""
    strategy, period = report.strategy, report.period
    # Counted as the dashboard counts (selectors.counted_states), with the clerk's choice of including updates
    # not yet reviewed.
    include = report.include_submitted
    periods = selectors.period_list(strategy=strategy)
    figures = selectors.period_figures(
        strategy=strategy, period=period, periods=periods, include_submitted=include, today=today
    )
    trend = selectors.rag_trend(strategy=strategy, periods=periods, up_to=period, include_submitted=include)
    return {
        "version": 1,
        "generated_at": timezone.now().isoformat(),
        "as_at": figures.as_at.isoformat(),
        "organisation": _organisation(strategy.organisation),
        "strategy": _strategy(strategy),
        "period": {"label": period.label, "start": period.start_date.isoformat(), "end": period.end_date.isoformat()},
        "previous_period": figures.previous.label if figures.previous else None,
        "report": _report(report),
        "summary": _figures(figures.summary),
        "awaiting_review": figures.awaiting_review,
        "counted_description": figures.counted_description,
        "by_aim": [{"title": a.title, **_figures(f)} for a, f in figures.by_aim],
        "by_theme": [{"title": t.title, **_figures(f)} for t, f in figures.by_theme],
        "trend": [{"label": p.label, "counts": counts} for p, counts in trend],
        "exceptions": [_row(r) for r in figures.exceptions],
        "deliverables": [_row(r) for r in figures.rows],
        "evidence": _evidence_index(figures.rows),
        # The committee layout's extra header lines, the council's logo and Appendix A's risks (reports/pdf.py and
        # reports/docx.py read them; a snapshot taken before they existed simply lacks them).
        "committee": _committee(report),
        "logo": _logo(strategy.organisation),
        "risks_issues": _risks_issues(figures.rows),
        "exempt_updates": _update_exemptions(figures.rows),
        # Performance indicators for the period (a snapshot taken before them lacks the key and renders as it did).
        "indicators": _indicators(strategy, period),
    }


SERIES_LIMIT = 8  # measurements in a small chart: the latest ones ending by the period's end


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def _indicators(strategy, period) -> dict:
    """The period's performance indicators (indicators.selectors.indicator_summary): counts by status and a row per
    indicator with its figures written in its unit, directions of travel, commentary and recent series. Five
    queries, whatever the number of indicators."""
    summary = indicator_summary(strategy=strategy, period=period)
    return {
        "counts": summary.counts,
        "total": summary.total,
        "met": summary.met,
        "missed": summary.missed,
        "within_tolerance": summary.within_tolerance,
        "rows": [_indicator_row(row, period.end_date) for row in summary.rows],
    }


def _indicator_row(row: IndicatorRow, as_at) -> dict:
    indicator, reported = row.indicator, row.shown.reported if row.shown else None
    series = [r for r in row.series if r.period.end_date <= as_at][-SERIES_LIMIT:]
    return {
        "reference": indicator.reference,
        "title": indicator.title,
        "unit": indicator.unit,
        "decimal_places": indicator.decimal_places,
        "polarity": indicator.get_polarity_display(),
        "period_label": row.period_label,
        "target": row.target_text,
        "actual": row.value_text,
        "status": row.status,
        "status_label": indicator_status.status_label(row.status),
        "direction_previous": indicator_status.direction_label(row.direction_previous),
        "direction_year": indicator_status.direction_label(row.direction_year),
        "owner": indicator.owner.display_name,
        "commentary": _clip(reported.note if reported else ""),
        "corrective_action": (reported.corrective_action if reported else "") or "",
        "exempt_paragraph": indicator.exempt_paragraph,
        "series": [
            {
                "label": r.period.label,
                "value": _decimal(r.value),
                "target": _decimal(r.target.value) if r.target else None,
                "lower": _decimal(r.target.lower) if r.target else None,
                "upper": _decimal(r.target.upper) if r.target else None,
                "value_text": r.value_text,
                "target_text": r.target_text,
            }
            for r in series
        ],
    }


def _committee(report: ProgressReport) -> dict:
    return {
        "purpose": report.purpose,
        "key_decision": report.key_decision,
        "agenda_item": report.agenda_item,
        "responsible_officer": report.strategy.responsible_officer,
    }


def _logo(organisation) -> dict | None:
    """The council's logo as it is now, carried in the snapshot (base64) so an issued version never changes when
    the logo is replaced later. Unreadable or missing files are left out rather than failing the report."""
    if not organisation.logo:
        return None
    try:
        with organisation.logo.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    kind = logos.image_kind(content)
    if kind is None:
        return None
    return {"content_type": kind, "base64": base64.b64encode(content).decode(), "alt": organisation.logo_alt_text}


def _risks_issues(rows: list[selectors.Row]) -> dict[str, str]:
    """Each counted update's risks and issues, by deliverable reference, for Appendix A."""
    by_update = dict(
        ProgressUpdate.objects.filter(
            pk__in=[r.deliverable.period_update_id for r in rows if r.deliverable.period_update_id]
        ).values_list("pk", "risks_issues")
    )
    return {
        r.deliverable.reference: _clip(by_update.get(r.deliverable.period_update_id) or "")
        for r in rows
        if by_update.get(r.deliverable.period_update_id)
    }


def _update_exemptions(rows: list[selectors.Row]) -> dict[str, dict]:
    """For each counted update with exempt fields, by deliverable reference: the paragraph and the fields
    (aims.exempt.UPDATE_FIELDS names), so reports.exempt can make the public version from this one snapshot."""
    marked = ProgressUpdate.objects.filter(
        pk__in=[r.deliverable.period_update_id for r in rows if r.deliverable.period_update_id],
        exempt_paragraph__isnull=False,
    ).values_list("deliverable__reference", "exempt_paragraph", "exempt_fields")
    return {
        reference: {"paragraph": paragraph, "fields": list(fields or [])} for reference, paragraph, fields in marked
    }


def _organisation(organisation) -> dict:
    return {
        "name": organisation.name,
        "address": organisation.address,
        "email": organisation.email,
        "telephone": organisation.telephone,
    }


def _strategy(strategy) -> dict:
    return {
        "title": strategy.title,
        "aim_label": strategy.aim_label,
        "aim_label_plural": strategy.aim_label_plural,
        "theme_label": strategy.theme_label,
        "theme_label_plural": strategy.theme_label_plural,
        "cadence": strategy.get_cadence_display(),
    }


def _report(report: ProgressReport) -> dict:
    return {
        "committee": report.committee,
        "meeting_date": report.meeting_date.isoformat(),
        "title": report.title,
        "report_of": report.report_of,
        "reference_number": report.reference_number,
        "wards_affected": report.wards_affected,
        "executive_summary": report.executive_summary,
        "recommendations": report.recommendations,
        "reasons": report.reasons,
        "other_options": report.other_options,
        "consultation": report.consultation,
        "implications": [[label, getattr(report, name)] for name, label in ProgressReport.IMPLICATIONS],
        "contact_name": report.contact_name,
        "contact_email": report.contact_email,
        "contact_telephone": report.contact_telephone,
        "marking": report.marking,
        "scope": report.scope,
        "include_submitted": report.include_submitted,
        "exempt_paragraph": report.exempt_paragraph,
        "exempt_sections": list(report.exempt_sections or []),
    }


def _row(r: selectors.Row) -> dict:
    d = r.deliverable
    return {
        "reference": d.reference,
        "title": d.title,
        "theme": d.theme.title,
        "aims": [a.title for a in r.aims],
        "owner": d.owner.display_name,
        "owner_title": d.owner.job_title,
        "lead_service": d.lead_service,
        "due_date": d.due_date.isoformat() if d.due_date else None,
        "status": r.status,
        "status_label": r.status_label,
        "percent": r.percent,
        "direction": r.direction_label if r.direction else "",
        "overdue": r.overdue,
        "summary": _clip(d.period_achieved or ""),
        "next_steps": _clip(d.period_next or ""),
        "corrective_action": d.period_corrective or "",
        "not_reviewed": r.not_reviewed,
        "carried_forward": r.carried_forward,
        "carried_from": r.carried_from,
        "exempt_paragraph": d.exempt_paragraph,
    }


def _evidence_index(rows: list[selectors.Row]) -> list[dict]:
    """The evidence behind the period's counted updates, by deliverable reference, for Appendix B."""
    update_ids = [r.deliverable.period_update_id for r in rows if r.deliverable.period_update_id]
    return [
        {
            "reference": e.update.deliverable.reference,
            "kind": e.get_kind_display(),
            "title": e.display_title if e.kind != Evidence.Kind.NOTE else "Note",
            "detail": _evidence_detail(e),
        }
        for e in Evidence.objects.filter(update_id__in=update_ids)
        .select_related("update__deliverable")
        .order_by("update__deliverable__reference", "created_at", "pk")
    ]
