"""Rendering a report snapshot to a tagged (PDF/UA-1) A4 PDF with WeasyPrint.

The renderer fetches nothing from the network or the file system except the portal's own static files: every
URL goes through `portal_url_fetcher`, which refuses anything else.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from aims import exempt
from indicators import status as indicator_status
from indicators.charts import trend_chart
from indicators.status import Target
from reports import charts, pdf_tags

STATIC_PREFIX = "/static/"


class FetchRefused(ValueError):
    """The PDF asked for something outside the portal's static files."""


DATA_IMAGE = re.compile(r"data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)\Z")


def portal_url_fetcher(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Serve only the portal's own static files (by /static/ path or file: URL inside them) and PNG or JPEG data:
    URLs (the council's logo, carried in the snapshot); refuse the rest."""
    if image := DATA_IMAGE.match(url):
        return {"string": base64.b64decode(image[2]), "mime_type": image[1], "redirected_url": "data:"}
    path = None
    if url.startswith(STATIC_PREFIX):
        path = url[len(STATIC_PREFIX) :]
    elif url.startswith("file://"):
        # WeasyPrint resolves relative URLs against base_url, which is the static folder.
        candidate = Path(url[len("file://") :]).resolve()
        for root in [Path(d).resolve() for d in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]:
            if candidate.is_relative_to(root):
                path = str(candidate.relative_to(root))
                break
    if path is None or ".." in Path(path).parts:
        raise FetchRefused(f"The report may only use the portal's own files, not {url[:100]}")
    found = finders.find(path)
    if not found:
        raise FetchRefused(f"No such static file: {path[:100]}")
    return {"string": Path(found).read_bytes(), "mime_type": None, "redirected_url": url}


def _weasyprint_fetcher():
    """portal_url_fetcher in the form WeasyPrint 70 calls: a URLFetcher whose fetch returns a URLFetcherResponse
    (a plain function returning a dict fails its assertion, and one that raises fails on a missing attribute).
    Errors are not fatal: a refused URL is left out of the PDF with a warning, as WeasyPrint does."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = portal_url_fetcher(url)
            content_type = {"Content-Type": found["mime_type"]} if found["mime_type"] else {}
            return URLFetcherResponse(found["redirected_url"], found["string"], content_type)

    return PortalURLFetcher(fail_on_errors=False)


def paragraphs(text: str) -> list[str]:
    """Split free text into paragraphs at blank lines, for numbering (1.1, 1.2 ...)."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "")]
    return [p for p in parts if p]


# An Appendix A row whose update texts together run past this may be split over two pages (about half a page of
# the "Latest update" column); shorter rows are kept whole.
LONG_UPDATE_CHARS = 2000


def _date(value: str | None) -> str:
    return dt.date.fromisoformat(value).strftime("%-d %B %Y") if value else "–"


def report_context(snapshot: dict) -> dict:
    report = snapshot["report"]
    strategy = snapshot["strategy"]
    period = snapshot["period"]
    summary = snapshot["summary"]
    rows = snapshot["deliverables"]
    appendix_rows = rows if report["scope"] == "full" else snapshot["exceptions"]
    risks = snapshot.get("risks_issues") or {}
    for row in rows + snapshot["exceptions"]:
        row["due_date_display"] = _date(row["due_date"])
        row["risks_issues"] = risks.get(row["reference"], "")
        texts = (row["summary"], row["next_steps"], row["risks_issues"], row["corrective_action"])
        row["long"] = sum(len(t or "") for t in texts) > LONG_UPDATE_CHARS
    return {
        **committee_context(snapshot),
        "s": snapshot,
        "report": report,
        "strategy": strategy,
        "period": period,
        "summary": summary,
        "meeting_date": _date(report["meeting_date"]),
        "as_at": _date(snapshot["as_at"]),
        "sections": {
            "executive_summary": paragraphs(report["executive_summary"]),
            "recommendations": paragraphs(report["recommendations"]),
            "reasons": paragraphs(report["reasons"]),
            "other_options": paragraphs(report["other_options"]) or ["No other options were considered."],
            "consultation": paragraphs(report["consultation"]) or ["No consultation was needed for this report."],
        },
        "implications": [
            (label, paragraphs(text) or ["There are no direct implications arising from this report."])
            for label, text in report["implications"]
        ],
        "appendix_rows": appendix_rows,
        "indicators": indicator_context(snapshot),
        "exempt_statement": exempt_statement(snapshot),
        "appendix_is_full": report["scope"] == "full",
        "charts": charts.progress_charts(
            period_label=period["label"],
            aim_label=strategy["aim_label"],
            counts=summary["counts"],
            aims=[(a["title"], a["percent_complete"]) for a in snapshot["by_aim"]],
            trend=[(t["label"], t["counts"]) for t in snapshot["trend"]],
        ),
    }


def indicators_sentence(ind: dict) -> str:
    """ "3 indicators met target, 2 did not, of which 1 was within tolerance." and what had no figure or target."""
    counts, met = ind["counts"], ind["met"]
    within = ind["within_tolerance"]
    sentence = (
        f"{met:,} indicator{'' if met == 1 else 's'} met target, {ind['missed']:,} did not, of which {within:,} "
        f"{'was' if within == 1 else 'were'} within tolerance."
    )
    no_data, no_target = counts.get(indicator_status.NO_DATA, 0), counts.get(indicator_status.NO_TARGET, 0)
    if no_data:
        sentence += f" {no_data:,} had no accepted figure for the period."
    if no_target:
        sentence += f" {no_target:,} had no target for the period."
    return sentence


def indicator_context(snapshot: dict) -> dict | None:
    """The "Performance indicators" part of Background, its exceptions and Appendix C; None for a snapshot taken
    before indicators existed, or a strategy without any (the report then reads as it did)."""
    ind = snapshot.get("indicators")
    if not ind or not ind.get("total"):
        return None
    period = snapshot["period"]["label"]
    red = [row for row in ind["rows"] if row["status"] == indicator_status.RED]
    return {
        **ind,
        "sentence": indicators_sentence(ind),
        "statuses": [
            {"key": st.key, "label": st.label, "count": ind["counts"].get(st.key, 0)}
            for st in indicator_status.STATUS_TABLE
        ],  # fmt: skip
        "red": red,
        "trends": (trends := _red_trends(red)),
        "trends_sentence": _trends_sentence(trends),
        "chart": charts.indicator_status_bar(
            ind["counts"], title=f"Performance indicators by status, {period}", chart_id="chart-indicators"
        ),
    }


FIRST_TREND_FIGURE = 5  # Figures 1 to 4 come before; each red indicator with figures then gets its trend


def _red_trends(red: list[dict]) -> list[dict]:
    """A trend chart (target and actuals of its recent measurements) for each red indicator that has a series (an
    exempt one in the public version has none), numbered on from Figure 4."""
    trends = []
    for row in [r for r in red if r.get("series")]:
        points = [(p["label"], _series_target(p), _decimal(p["value"])) for p in row["series"]]
        title = f"{row['reference']} {row['title']}: target and actual by measurement period"
        trends.append({
            "number": FIRST_TREND_FIGURE + len(trends),
            "title": title,
            "svg": trend_chart(points, title=title, chart_id=f"chart-trend-{len(trends) + 1}", unit=row["unit"],
                               decimal_places=row["decimal_places"]),
        })  # fmt: skip
    return trends


def _trends_sentence(trends: list[dict]) -> str:
    if not trends:
        return ""
    if len(trends) == 1:
        return f"Figure {trends[0]['number']} shows its recent measurements against target."
    return f"Figures {trends[0]['number']} to {trends[-1]['number']} show their recent measurements against target."


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _series_target(point: dict) -> Target | None:
    if point.get("target") is not None:
        return Target(value=Decimal(point["target"]))
    if point.get("lower") is not None and point.get("upper") is not None:
        return Target(lower=Decimal(point["lower"]), upper=Decimal(point["upper"]))
    return None


def exempt_statement(snapshot: dict) -> str:
    """What the Access to Information table says of exempt information: that it exists and why (public version),
    or that this is the version holding it (exempt version); "" when nothing in the report is exempt."""
    marks = snapshot.get("exempt_version") or {}
    phrase = exempt.paragraphs_phrase(marks.get("paragraphs") or [])
    if not phrase:
        return ""
    if marks.get("kind") == "exempt":
        return (
            f"This version contains information exempt by virtue of {phrase} of Part 1 of Schedule 12A to the Local "
            "Government Act 1972. It is not for publication."
        )
    return (
        f"Some information in this report is exempt by virtue of {phrase} of Part 1 of Schedule 12A to the Local "
        "Government Act 1972 and is not for publication. It is in the exempt version of this report, for members "
        "and officers only."
    )


def committee_context(snapshot: dict) -> dict:
    """The committee layout's purpose, key decision, agenda item and logo (absent from snapshots taken before
    them, which then render as they did)."""
    committee = snapshot.get("committee") or {}
    logo = snapshot.get("logo")
    return {
        "committee": committee,
        "purpose": paragraphs(committee.get("purpose", "")),
        "key_decision": "Yes" if committee.get("key_decision") else "No",
        "logo": {"src": f"data:{logo['content_type']};base64,{logo['base64']}", "alt": logo["alt"]} if logo else None,
    }


def report_html(snapshot: dict) -> str:
    return render_to_string("reports/pdf/report.html", report_context(snapshot))


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def _cached_page_references(pdf) -> tuple[bytes, ...]:
    """pydyf's PDF.page_references, built once per page count instead of on every read.

    pydyf 0.13 builds the tuple of every page's reference each time the property is read, and WeasyPrint's
    tagging (weasyprint/pdf/tags.py) reads it for every tagged element: writing a tagged PDF is O(elements x
    pages). Measured in bench/ (diagnosis.md section 5): write_pdf of 1,200 deliverables 8.8 s -> 6.3 s, same
    output. The value is exactly pydyf's (tests/reports/test_pdf_speedup.py compares them); drop this when upstream
    caches it.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_portal_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), _PYDYF_PAGE_REFERENCES.fget(pdf))
        pdf.__dict__["_portal_page_references"] = cached
    return cached[1]


def _speed_up_pydyf() -> None:
    import pydyf

    global _PYDYF_PAGE_REFERENCES
    current = pydyf.PDF.__dict__.get("page_references")
    if isinstance(current, property) and current.fget is not _cached_page_references:
        _PYDYF_PAGE_REFERENCES = current
        pydyf.PDF.page_references = property(_cached_page_references)


_PYDYF_PAGE_REFERENCES: property | None = None


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Bare WeasyPrint with the portal's safe fetcher: tagged PDF/UA-1, fonts embedded. Returns (pdf, pages)."""
    import weasyprint

    _speed_up_pydyf()
    pdf_tags.install()
    static_root = Path(settings.STATICFILES_DIRS[0]).resolve()
    source = weasyprint.HTML(string=html, base_url=str(static_root) + "/", url_fetcher=_weasyprint_fetcher())
    document = source.render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def report_pdf(snapshot: dict) -> tuple[bytes, int]:
    return html_to_pdf(report_html(snapshot))
