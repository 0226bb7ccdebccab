"""The settings `make run` uses (strategy_portal.settings with no DJANGO_* variables), plus one URL that fails, so
a test can see the 500 page the local portal shows."""

from strategy_portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.integration.run_mode_urls"
