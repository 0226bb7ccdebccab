"""The portal's WSGI application (with bench/urls.py's baseline view), plus a page served without Django.

    gunicorn bench.baseline_wsgi:application

`/bench-wsgi/` answers a few bytes straight from this wrapper: the same gunicorn, worker processes and Python,
but no Django at all. It shows what gunicorn and the load generator alone allow on this machine (informational;
the targets compare with `/bench-baseline/`, the minimal Django view). Every other path goes to the portal.
"""

from strategy_portal.wsgi import application as portal_application

WSGI_PATH = "/bench-wsgi/"
BODY = b"ok\n"
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    if environ.get("PATH_INFO") == WSGI_PATH:
        start_response("200 OK", HEADERS)
        return [BODY]
    return portal_application(environ, start_response)
