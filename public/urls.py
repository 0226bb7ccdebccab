from django.urls import path, register_converter

from public import views


class DataFormat:
    regex = "csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DataFormat, "fmt")

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("open-data/schema/", views.schema_page, name="schema"),
    path("open-data/deliverables.schema.json", views.json_schema, name="json_schema"),
    path("open-data/indicators.schema.json", views.indicators_json_schema, name="indicators_json_schema"),
    path("strategies/<slug:slug>/", views.strategy, name="strategy"),
    path("strategies/<slug:slug>/deliverables/<int:pk>/", views.deliverable, name="deliverable"),
    path("strategies/<slug:slug>/reports/<int:pk>.pdf", views.report_download, name="report_download"),
    path("strategies/<slug:slug>/data/", views.open_data_page, name="open_data"),
    path("strategies/<slug:slug>/data/deliverables.<fmt:fmt>", views.data_all, name="data_all"),
    path("strategies/<slug:slug>/data/indicators.<fmt:fmt>", views.data_indicators, name="data_indicators"),
    path(
        "strategies/<slug:slug>/data/periods/<int:period_pk>/deliverables.<fmt:fmt>",
        views.data_period,
        name="data_period",
    ),
    path(
        "strategies/<slug:slug>/data/periods/<int:period_pk>/indicators.<fmt:fmt>",
        views.data_period_indicators,
        name="data_period_indicators",
    ),
]
