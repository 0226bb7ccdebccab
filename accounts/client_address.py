"""The client's address, the one function used for lockouts (django-axes), rate limits and the security log.

With TRUSTED_PROXY_COUNT = 0 (the default) the portal is reached directly and the address is REMOTE_ADDR; any
X-Forwarded-For header is the client's own and is ignored. Behind N trusted reverse proxies that each append
the address they saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for), REMOTE_ADDR is the last proxy and
the client is the N-th entry from the right of the header: entries further left were sent by the client and may
be forged. Counting from the right is what makes the setting safe, so it must match the real number of proxies.
"""

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str | None:
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies or "HTTP_X_FORWARDED_FOR" not in request.META:
        # No proxy, or a request that did not come through it (the proxy always sets the header): the peer is
        # the client.
        header, proxy_count = "REMOTE_ADDR", None
    else:
        # ipware counts the proxies named in the header after the client; the last proxy is not among them (it
        # is REMOTE_ADDR), hence one fewer. Left-most order with a count takes the entry at -(count + 1).
        header, proxy_count = "HTTP_X_FORWARDED_FOR", proxies - 1
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxy_count,
        request_header_order=(header,),
        # Not strict: a council's own forward proxy may add entries in front, and a strict chain-length check
        # would then find no address at all, putting everyone so connected in one bucket.
        strict=False,
    )
    return address
