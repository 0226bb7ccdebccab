from django.urls import path

from strategy_setup import deliverable_views, period_views, strategy_views, structure_views

app_name = "strategy_setup"

LEVEL_PATHS = {"aim": "aims", "principle": "principles", "theme": "themes"}


def _level_patterns(level: str, folder: str) -> list:
    prefix = f"strategies/<slug:slug>/setup/{folder}/"
    kwargs = {"level": level}
    return [
        path(prefix, structure_views.item_list, kwargs, name=f"{level}_list"),
        path(f"{prefix}add/", structure_views.item_add, kwargs, name=f"{level}_add"),
        path(f"{prefix}<int:pk>/", structure_views.item_change, kwargs, name=f"{level}_change"),
        path(f"{prefix}<int:pk>/move/", structure_views.item_move, kwargs, name=f"{level}_move"),
        path(f"{prefix}<int:pk>/remove/", structure_views.item_remove, kwargs, name=f"{level}_remove"),
    ]


urlpatterns = [
    # Before aims' strategies/<slug>/ in the root URLs, so "new" is never read as a strategy's slug.
    path("strategies/new/", strategy_views.strategy_create, name="strategy_create"),
    path("strategies/new/check/", strategy_views.strategy_create_check, name="strategy_create_check"),
    path("strategies/<slug:slug>/setup/", strategy_views.task_list, name="task_list"),
    path("strategies/<slug:slug>/setup/created/", strategy_views.strategy_created, name="strategy_created"),
    path("strategies/<slug:slug>/setup/details/", strategy_views.details, name="details"),
    path("strategies/<slug:slug>/setup/details/change/", strategy_views.details_change, name="details_change"),
    *[pattern for level, folder in LEVEL_PATHS.items() for pattern in _level_patterns(level, folder)],
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
