"""The portal's WSGI application, plus a baseline page served without Django.

    gunicorn bench.baseline_wsgi:application

`/bench-baseline/` answers a few bytes straight from this wrapper: the same gunicorn, worker processes and
Python, but no Django middleware, no session and no database. Every other path goes to the portal unchanged.
The benchmark compares each page's throughput with this one's, measured in the same run.
"""

from strategy_portal.wsgi import application as portal_application

BASELINE_PATH = "/bench-baseline/"
BODY = b"ok\n"
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    if environ.get("PATH_INFO") == BASELINE_PATH:
        start_response("200 OK", HEADERS)
        return [BODY]
    return portal_application(environ, start_response)
