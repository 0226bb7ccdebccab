from django.urls import path

from strategy_setup import strategy_views, structure_views

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
]
