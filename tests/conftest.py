"""Fixtures per role, and the guard that keeps CI from passing on the embedded fallbacks."""

import os

import pytest
from django.conf import settings as django_settings
from django.db import connection

from accounts.models import Role
from tests import factories

REQUIRE_REAL = os.environ.get("PORTAL_REQUIRE_REAL_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    # Browser journeys are slow; run them last so a fast failure shows first.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)


@pytest.fixture(scope="session", autouse=True)
def _real_services_when_required(django_db_setup, django_db_blocker):
    if REQUIRE_REAL:
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "PORTAL_REQUIRE_REAL_SERVICES=1 but the tests run on SQLite"
        assert django_settings.CELERY_BROKER_URL.startswith("redis://"), "no Redis broker configured"
        assert not django_settings.CELERY_TASK_ALWAYS_EAGER, "Celery tasks would run in-process"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # On CI a skipped browser, integration or object-storage test is a failure, not a pass.
    outcome = yield
    report = outcome.get_result()
    if (
        REQUIRE_REAL
        and report.skipped
        and any(item.get_closest_marker(m) for m in ("browser", "integration", "storage"))
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped under PORTAL_REQUIRE_REAL_SERVICES=1, which forbids it: {report.longrepr}"


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker thread consuming from the configured broker (Redis in CI), sharing the test DB.

    Without a broker (the embedded default) tasks run in-process and there is no worker to start: skip, which
    CI turns into a failure for browser and integration tests.
    """
    from celery.contrib.testing.worker import start_worker

    from strategy_portal.celery import app

    if app.conf.task_always_eager:
        pytest.skip("CELERY_BROKER_URL is not set: no broker to run a real worker against")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# A published strategy with updates in every state (tests/public/ and the public browser journey).
from tests.public.published import published  # noqa: E402, F401


@pytest.fixture
def strategy(db):
    return factories.StrategyFactory()


@pytest.fixture
def other_strategy(db):
    return factories.StrategyFactory()


@pytest.fixture
def open_period(strategy):
    return factories.PeriodFactory(strategy=strategy)


@pytest.fixture
def theme(strategy):
    return factories.ThemeFactory(strategy=strategy)


def _member(strategy, role, username):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, strategy=strategy, role=role)
    return user


@pytest.fixture
def officer(strategy):
    return _member(strategy, Role.OFFICER, "officer1")


@pytest.fixture
def other_officer(strategy):
    return _member(strategy, Role.OFFICER, "officer2")


@pytest.fixture
def board_member(strategy):
    return _member(strategy, Role.BOARD, "board1")


@pytest.fixture
def clerk(strategy):
    return _member(strategy, Role.CLERK, "clerk1")


@pytest.fixture
def lead(strategy):
    return _member(strategy, Role.LEAD, "lead1")


@pytest.fixture
def outsider(other_strategy):
    """Holds every role, but in another strategy."""
    user = factories.UserFactory(username="outsider")
    for role in Role.values:
        factories.MembershipFactory(user=user, strategy=other_strategy, role=role)
    return user


@pytest.fixture
def deliverable(strategy, theme, officer):
    return factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached dashboards are keyed by ids, which a rolled-back SQLite test may hand out again; the council's name
    is kept per process for a minute."""
    from django.core.cache import cache

    from aims.context_processors import forget_single_organisation

    cache.clear()
    forget_single_organisation()
