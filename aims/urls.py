from django.urls import path

from aims import council_views, history_views, link_views, progress_sheet_views, spreadsheet_views, views

app_name = "aims"

urlpatterns = [
    path("strategies/", views.strategy_list, name="strategy_list"),
    path("strategies/<slug:slug>/", views.strategy_detail, name="strategy_detail"),
    path("strategies/<slug:slug>/history/", history_views.strategy_history, name="strategy_history"),
    path("strategies/<slug:slug>/linked/", link_views.linked_strategies, name="linked_strategies"),
    path("strategies/<slug:slug>/council/", council_views.council_details, name="council_details"),
    path("strategies/<slug:slug>/council/logo.png", council_views.council_logo, name="council_logo"),
    path("strategies/<slug:slug>/spreadsheet/", spreadsheet_views.spreadsheet_download, name="spreadsheet_download"),
    path("strategies/<slug:slug>/spreadsheet/upload/", spreadsheet_views.spreadsheet_upload, name="spreadsheet_upload"),
    path(
        "strategies/<slug:slug>/spreadsheet/check/<slug:token>/",
        spreadsheet_views.spreadsheet_check,
        name="spreadsheet_check",
    ),
    path(
        "strategies/<slug:slug>/progress-sheet/",
        progress_sheet_views.progress_sheet_download,
        name="progress_sheet_download",
    ),
    path(
        "strategies/<slug:slug>/progress-sheet/upload/",
        progress_sheet_views.progress_sheet_upload,
        name="progress_sheet_upload",
    ),
    path(
        "strategies/<slug:slug>/progress-sheet/check/<slug:token>/",
        progress_sheet_views.progress_sheet_check,
        name="progress_sheet_check",
    ),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("deliverables/<int:pk>/progress/<int:period_pk>/", views.progress_update, name="progress_update"),
    path(
        "deliverables/<int:pk>/progress/<int:period_pk>/check/",
        views.progress_update_check,
        name="progress_update_check",
    ),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("review/", views.review_list, name="review_list"),
    path("updates/<int:pk>/", views.update_review, name="update_review"),
]
