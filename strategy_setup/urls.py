from django.urls import path

from strategy_setup import deliverable_views, period_views

app_name = "strategy_setup"

urlpatterns = [
    # Deliverables and reporting periods (issue 15, part B): keep this block together.
    path("strategies/<slug:slug>/setup/deliverables/", deliverable_views.deliverable_list, name="deliverable_list"),
    path("strategies/<slug:slug>/setup/deliverables/add/", deliverable_views.deliverable_add, name="deliverable_add"),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/",
        deliverable_views.deliverable_change,
        name="deliverable_change",
    ),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/withdraw/",
        deliverable_views.deliverable_withdraw,
        name="deliverable_withdraw",
    ),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/reinstate/",
        deliverable_views.deliverable_reinstate,
        name="deliverable_reinstate",
    ),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/remove/",
        deliverable_views.deliverable_remove,
        name="deliverable_remove",
    ),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/milestones/",
        deliverable_views.deliverable_milestones,
        name="deliverable_milestones",
    ),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/milestones/<int:milestone_pk>/",
        deliverable_views.milestone_change,
        name="milestone_change",
    ),
    path(
        "strategies/<slug:slug>/setup/deliverables/<int:pk>/milestones/<int:milestone_pk>/remove/",
        deliverable_views.milestone_remove,
        name="milestone_remove",
    ),
    path("strategies/<slug:slug>/setup/periods/", period_views.period_list, name="period_list"),
    path("strategies/<slug:slug>/setup/periods/generate/", period_views.period_generate, name="period_generate"),
    path("strategies/<slug:slug>/setup/periods/open-next/", period_views.period_open_next, name="period_open_next"),
    path("strategies/<slug:slug>/setup/periods/<int:pk>/", period_views.period_change, name="period_change"),
    path("strategies/<slug:slug>/setup/periods/<int:pk>/close/", period_views.period_close, name="period_close"),
    # End of part B's block.
]
