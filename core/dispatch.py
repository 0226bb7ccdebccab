"""Background work asked for by services, sent after the transaction commits.

Services never import tasks (a task imports its service, so that would be a cycle): they name the task, and the
message goes out only once the data it refers to is committed, so a worker never looks for a row that is not
there yet. Tasks are sent by name through the Celery app configured in strategy_portal/celery.py.
"""

from __future__ import annotations

import importlib

from celery import current_app
from django.db import transaction


def send(task_name: str, *args, **options) -> None:
    """Send `task_name` (e.g. "reports.tasks.report_version_generate_task") with `args` now, or run it in-process
    when there is no broker (CELERY_TASK_ALWAYS_EAGER). Raises the broker's error if the queue cannot be reached.

    The task's module is imported by name here, at run time, so that no service imports its tasks; the task's
    own options (acks_late, retries) apply as declared, which `send_task` alone would not give in eager mode."""
    importlib.import_module(task_name.rsplit(".", 1)[0])
    current_app.tasks[task_name].apply_async(args, **options)


def send_after_commit(task_name: str, *args, on_error=None, **options) -> None:
    """Send `task_name` once the current transaction commits (at once outside one). `on_error(exc)` is called if
    the queue cannot be reached, so the caller can record that on its own row instead of leaving it waiting."""

    def go():
        try:
            send(task_name, *args, **options)
        except Exception as exc:  # noqa: BLE001 - any broker failure is the caller's to record
            if on_error is None:
                raise
            on_error(exc)

    transaction.on_commit(go)
