import pytest
from celery.contrib.testing.worker import start_worker

from strategy_portal.celery import app


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker thread consuming from the configured broker (Redis in CI), sharing the test DB."""
    if app.conf.task_always_eager:
        pytest.skip("CELERY_BROKER_URL is not set: no broker to run a real worker against")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app
