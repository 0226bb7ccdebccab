from django.urls import path

from indicators import actual_views, views

app_name = "indicators"

PREFIX = "strategies/<slug:slug>/indicators/"

urlpatterns = [
    path(PREFIX, views.indicator_list, name="indicator_list"),
    path(f"{PREFIX}add/", views.indicator_add, name="indicator_add"),
    path(f"{PREFIX}<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path(f"{PREFIX}<int:pk>/change/", views.indicator_change, name="indicator_change"),
    path(f"{PREFIX}<int:pk>/targets/", views.indicator_targets, name="indicator_targets"),
    path(f"{PREFIX}<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path(f"{PREFIX}<int:pk>/periods/<int:period_pk>/", actual_views.actual_record, name="actual_record"),
    path(f"{PREFIX}<int:pk>/periods/<int:period_pk>/check/", actual_views.actual_check, name="actual_check"),
    path(f"{PREFIX}figures/<int:actual_pk>/", actual_views.actual_review, name="actual_review"),
]
