"""How soon a dead worker's task is delivered again: set in the settings, not left to kombu's defaults."""

import json
import os
import subprocess
import sys

from django.conf import settings
from kombu.transport.redis import Channel


def test_the_broker_sweep_for_a_dead_workers_messages_is_set_not_left_to_kombus_100_s_default():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert {"visibility_timeout", "unacked_restore_interval", "unacked_restore_throttle"} <= options.keys()
    assert set(options) <= set(Channel.from_transport_options)  # names kombu's Redis channel reads
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 10
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_the_sweep_and_visibility_are_read_from_the_environment_and_reach_celery():
    """The worker-killed test gives its workers short values this way."""
    env = {
        **os.environ,
        "CELERY_VISIBILITY_TIMEOUT": "25",
        "CELERY_UNACKED_RESTORE_INTERVAL": "2",
        "CELERY_UNACKED_RESTORE_THROTTLE": "3",
        "CELERY_TASK_TIME_LIMIT": "20",
    }
    code = "import json; from strategy_portal.celery import app; print(json.dumps(app.conf.broker_transport_options))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == {
        "visibility_timeout": 25,
        "unacked_restore_interval": 2,
        "unacked_restore_throttle": 3,
    }
    env["CELERY_VISIBILITY_TIMEOUT"] = "20"  # not longer than the hard time limit
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "must be longer than CELERY_TASK_TIME_LIMIT" in refused.stderr
