"""Integration tests use `celery_worker_real` from tests/conftest.py."""
