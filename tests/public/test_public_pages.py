"""Public pages and open data: published strategies only, accepted progress for closed periods only, no sign-in."""

import csv
import datetime as dt
import io
import json

import jsonschema_rs
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from aims.models import ProgressUpdate
from public import open_data
from reports.models import ProgressReport, ReportVersion
from tests import factories
from tests.public.published import ACCEPTED, OPEN_PERIOD_ACCEPTED, SECRETS


def _public_outputs(client, published) -> dict[str, str]:
    strategy, closed = published["strategy"], published["closed"]
    urls = [
        reverse("public:index"),
        reverse("public:strategy", args=[strategy.slug]),
        reverse("public:open_data", args=[strategy.slug]),
        reverse("public:data_all", args=[strategy.slug, "csv"]),
        reverse("public:data_all", args=[strategy.slug, "json"]),
        reverse("public:data_period", args=[strategy.slug, closed.pk, "csv"]),
        reverse("public:data_period", args=[strategy.slug, closed.pk, "json"]),
    ] + [reverse("public:deliverable", args=[strategy.slug, d.pk]) for d in strategy.deliverables.all()]
    outputs = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        outputs[url] = response.content.decode()
    return outputs


def test_anonymous_reads_accepted_progress_of_closed_periods_and_nothing_else(client, published):
    outputs = _public_outputs(client, published)
    everything = "\n".join(outputs.values())
    deliverable_page = outputs[reverse("public:deliverable", args=["digital-futures", published["accepted"].pk])]
    assert ACCEPTED in deliverable_page
    assert "More staff from October" in deliverable_page
    assert "Portal launched" in deliverable_page
    for words in [*SECRETS.values(), OPEN_PERIOD_ACCEPTED]:
        assert words not in everything
    # A submitted update is not revealed by its status either: the public reads "Not reported".
    assert "Awaiting review" not in everything
    assert "Not reported" in outputs[reverse("public:strategy", args=["digital-futures"])]


def test_officer_names_show_only_when_the_council_chooses(client, published):
    assert "Officerly" not in "\n".join(_public_outputs(client, published).values())
    strategy = published["strategy"]
    strategy.public_shows_names = True
    strategy.data_version += 1
    strategy.save()
    outputs = _public_outputs(client, published)
    assert "Priya Officerly" in outputs[reverse("public:deliverable", args=[strategy.slug, published["accepted"].pk])]
    assert "Priya Officerly" in outputs[reverse("public:data_all", args=[strategy.slug, "csv"])]


def test_strategy_page_shows_figures_for_the_latest_closed_period(client, published):
    page = client.get(reverse("public:strategy", args=["digital-futures"])).content.decode()
    assert "Progress to 30 September 2025" in page
    assert "April to September 2025" in page
    assert "Digital Futures" in page
    # One of four deliverables reported 40%: the weighted mean over all four is 10%.
    assert "<strong>10.0%</strong>" in page


def test_csv_has_one_row_per_deliverable_and_closed_period(client, published):
    response = client.get(reverse("public:data_all", args=["digital-futures", "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [c.name for c in open_data.COLUMNS] == list(rows[0].keys())
    assert [(r["reference"], r["status"], r["percent_complete"]) for r in rows] == [
        ("DF-01", "amber", "40"),
        ("DF-02", "", "0"),
        ("DF-03", "", "0"),
        ("DF-04", "", "0"),
    ]
    assert rows[0]["aims"] == "Residents first"
    assert rows[0]["period"] == "April to September 2025"
    assert rows[0]["owner"] == ""


def test_json_matches_its_published_schema(client, published):
    document = json.loads(client.get(reverse("public:data_all", args=["digital-futures", "json"])).content)
    schema = json.loads(client.get(reverse("public:json_schema")).content)
    jsonschema_rs.validate(schema, document)
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    assert document["data_as_at"] == "2025-09-30"
    assert document["periods"] == ["April to September 2025"]
    assert document["deliverables"][0]["aims"] == ["Residents first"]
    broken = {**document, "deliverables": [{**document["deliverables"][0], "status": "awaiting_review"}]}
    assert not jsonschema_rs.validator_for(schema).is_valid(broken)


def test_schema_page_describes_every_column(client, db):
    page = client.get(reverse("public:schema")).content.decode()
    for column in open_data.COLUMNS:
        assert f"<code>{column.name}</code>" in page
    assert "Open Government Licence v3.0" in page


@pytest.mark.parametrize(
    "name,args",
    [
        ("public:strategy", []),
        ("public:open_data", []),
        ("public:data_all", ["csv"]),
        ("public:data_all", ["json"]),
    ],
)
def test_an_unpublished_strategy_is_not_found(client, published, name, args):
    strategy = published["strategy"]
    strategy.is_published = False
    strategy.save()
    assert client.get(reverse(name, args=[strategy.slug, *args])).status_code == 404
    assert client.get(reverse("public:deliverable", args=[strategy.slug, published["accepted"].pk])).status_code == 404
    assert "Digital Futures" not in client.get(reverse("public:index")).content.decode()


def test_open_period_and_other_strategies_data_are_not_found(client, published):
    strategy = published["strategy"]
    open_url = reverse("public:data_period", args=[strategy.slug, published["current"].pk, "csv"])
    assert client.get(open_url).status_code == 404
    elsewhere = factories.DeliverableFactory()
    assert client.get(reverse("public:deliverable", args=[strategy.slug, elsewhere.pk])).status_code == 404


def _version(strategy, period, *, issued: bool) -> ReportVersion:
    clerk = factories.UserFactory()
    report = ProgressReport.objects.create(
        strategy=strategy,
        period=period,
        committee="Cabinet",
        meeting_date=dt.date(2025, 11, 12),
        title="Digital Futures progress",
        report_of="Director of Digital",
        executive_summary="Summary",
        recommendations="Note the report",
        reasons="To keep Cabinet informed",
        created_by=clerk,
    )
    version = ReportVersion.objects.create(
        report=report, number=1, status=ReportVersion.Status.READY, requested_by=clerk
    )
    version.pdf.save("public-test.pdf", ContentFile(b"%PDF-1.7 issued"), save=False)
    if issued:
        version.issued_at, version.issued_by = timezone.now(), clerk
    version.save()
    return version


def test_issued_reports_are_downloadable_and_unissued_ones_are_not(client, published):
    strategy = published["strategy"]
    issued = _version(strategy, published["closed"], issued=True)
    unissued = _version(strategy, published["current"], issued=False)
    page = client.get(reverse("public:strategy", args=[strategy.slug])).content.decode()
    assert reverse("public:report_download", args=[strategy.slug, issued.pk]) in page
    assert reverse("public:report_download", args=[strategy.slug, unissued.pk]) not in page
    response = client.get(reverse("public:report_download", args=[strategy.slug, issued.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 issued"
    assert client.get(reverse("public:report_download", args=[strategy.slug, unissued.pk])).status_code == 404


def test_public_pages_answer_get_only(client, published):
    response = client.post(reverse("public:strategy", args=["digital-futures"]))
    assert response.status_code == 405


def test_strategy_page_queries_do_not_grow_with_deliverables(client, published, django_assert_max_num_queries):
    strategy = published["strategy"]
    theme = published["accepted"].theme
    for _ in range(40):
        d = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=published["owner"])
        factories.ProgressUpdateFactory(deliverable=d, period=published["closed"], state=ProgressUpdate.State.ACCEPTED)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("public:strategy", args=[strategy.slug])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("public:data_all", args=[strategy.slug, "json"])).status_code == 200


def test_published_indicators_show_with_accepted_figures_only(client, published):
    from indicators.models import IndicatorActual
    from tests.indicators.helpers import indicator_with_periods

    strategy = published["strategy"]
    shown = indicator_with_periods(strategy=strategy, title="Share of transactions online", is_published=True,
                                   frequency="quarterly", targets=["60", "62"], actuals=["58.5"])  # fmt: skip
    draft = IndicatorActual.objects.create(period=shown.periods.order_by("start_date")[1], value="99.9",
                                           state="submitted", author=shown.owner)  # fmt: skip
    indicator_with_periods(strategy=strategy, title="Internal staff sickness", is_published=False,
                           frequency="quarterly", targets=["5"], actuals=["4"])  # fmt: skip
    strategy.data_version += 1
    strategy.save()
    page = client.get(reverse("public:strategy", args=[strategy.slug])).content.decode()
    assert "Share of transactions online" in page
    assert "58.5%" in page and "99.9" not in page  # the figure waiting for review never shows
    assert "Internal staff sickness" not in page
    assert "0 of 1 indicator met target, 1 did not, of which 1 was within tolerance." in page
    assert draft.state == "submitted"


def test_indicator_open_data_holds_accepted_figures_of_published_indicators(client, published):
    from tests.indicators.helpers import indicator_with_periods

    strategy = published["strategy"]
    indicator_with_periods(strategy=strategy, reference="PI-01", title="Gigabit-capable premises", is_published=True,
                           frequency="quarterly", targets=["60", "62"], actuals=["61"])  # fmt: skip
    indicator_with_periods(strategy=strategy, reference="PI-02", title="Unpublished one", is_published=False,
                           frequency="quarterly", targets=["5"], actuals=["4"])  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(client.get(f"/public/strategies/{strategy.slug}/data/indicators.csv")
                                           .content.decode())))  # fmt: skip
    assert [(r["reference"], r["measurement_period"] != "", r["figure"], r["status"]) for r in rows] == [
        ("PI-01", True, "61.0%", "green"),
        ("PI-01", True, "", "no_data"),
    ]
    document = json.loads(client.get(f"/public/strategies/{strategy.slug}/data/indicators.json").content)
    schema = json.loads(client.get(reverse("public:indicators_json_schema")).content)
    jsonschema_rs.validate(schema, document)
    assert [r["reference"] for r in document["indicators"]] == ["PI-01", "PI-01"]
    # One reporting period's file: the measurements ending within April to September 2025, accepted figures only.
    closed = published["closed"]
    one = client.get(f"/public/strategies/{strategy.slug}/data/periods/{closed.pk}/indicators.json")
    assert [(r["period_end"], r["figure"]) for r in json.loads(one.content)["indicators"]] == [
        ("2025-06-30", "61.0%"),
        ("2025-09-30", ""),
    ]
    open_period = published["current"]
    assert (
        client.get(f"/public/strategies/{strategy.slug}/data/periods/{open_period.pk}/indicators.csv").status_code
        == 404
    )
