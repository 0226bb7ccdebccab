from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_index, name="dashboard_index"),
    path("strategies/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("strategies/<slug:slug>/dashboard/deliverables.csv", views.dashboard_csv, name="dashboard_csv"),
]
