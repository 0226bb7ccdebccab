"""Locust load for one page at a time (run by bench/web.py, which starts locust headless).

Environment:
    BENCH_SCENARIO   which page: baseline, wsgi, reference, dashboard, home, deliverable, csv
    BENCH_SESSIONS   JSON file written by bench/web.py: for each scenario, a list of identities, each with a
                     session cookie (a session made directly in portal_bench for a benchmark user, so there is no
                     sign-in load and django-axes never sees a failed login) and the paths that user requests.

Every virtual user takes the next identity and requests one of its paths as fast as it can (no think time).
A `{n}` in a path becomes a number unique to the request (for scenarios that need every URL to differ).
A response counts as an error unless it is 200 with the expected content type: redirects are not followed,
so an expired session (a redirect to /sign-in/) is an error, not a fast success.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

SCENARIO = os.environ.get("BENCH_SCENARIO", "baseline")
with open(os.environ.get("BENCH_SESSIONS", "bench/.data/sessions.json")) as handle:
    IDENTITIES = json.load(handle)[SCENARIO]
EXPECTED_TYPE = {"csv": "text/csv", "baseline": "text/plain", "wsgi": "text/plain"}.get(SCENARIO, "text/html")
_next = itertools.count()
_request_number = itertools.count()


class PortalUser(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 60.0
    network_timeout = 120.0

    def on_start(self) -> None:
        identity = IDENTITIES[next(_next) % len(IDENTITIES)]
        self.paths = identity["paths"]
        self.headers = {"Cookie": f"sessionid={identity['session']}"} if identity.get("session") else {}

    @task
    def page(self) -> None:
        path = random.choice(self.paths).replace("{n}", str(next(_request_number)))  # noqa: S311
        with self.client.get(
            path, name=SCENARIO, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            content_type = response.headers.get("Content-Type", "") if response.headers else ""
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not content_type.startswith("text/csv" if path.endswith(".csv") else EXPECTED_TYPE):
                response.failure(f"unexpected content type {content_type!r}")
            else:
                response.success()
