from django.urls import path

from reports import report_views, views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_index, name="dashboard_index"),
    path("strategies/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("strategies/<slug:slug>/dashboard/deliverables.csv", views.dashboard_csv, name="dashboard_csv"),
    path(
        "strategies/<slug:slug>/dashboard/indicators.csv",
        views.dashboard_indicators_csv,
        name="dashboard_indicators_csv",
    ),
    path("reports/", report_views.report_index, name="report_index"),
    path("strategies/<slug:slug>/reports/", report_views.report_list, name="report_list"),
    path("strategies/<slug:slug>/reports/new/", report_views.report_create, name="report_create"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/generate/", report_views.report_generate, name="report_generate"),
    path("reports/<int:pk>/status/", report_views.report_status, name="report_status"),
    path("reports/versions/<int:pk>/issue/", report_views.version_issue, name="version_issue"),
    path("reports/versions/<int:pk>/download/", report_views.version_download, name="version_download"),
    path(
        "reports/versions/<int:pk>/download/word/",
        report_views.version_download,
        {"kind": "docx"},
        name="version_download_docx",
    ),
    path(
        "reports/versions/<int:pk>/download/exempt/",
        report_views.version_download,
        {"kind": "exempt_pdf"},
        name="version_download_exempt",
    ),
    path(
        "reports/versions/<int:pk>/download/exempt/word/",
        report_views.version_download,
        {"kind": "exempt_docx"},
        name="version_download_exempt_docx",
    ),
]
