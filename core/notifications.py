"""Every email the portal sends, from one place: ``notify(template=..., to=[...], context={...})``.

Each email is three templates in templates/emails/:

* ``<template>_subject.txt``: the subject, one line;
* ``<template>.txt``: the plain-text body (autoescape off: people read it as typed);
* ``<template>.html``: the same words as a small, plain, accessible HTML page (extends emails/base.html).

They are sent together as one message with the HTML as an alternative. The callers (aims.services,
reports.scheduled) build the context; every template also gets ``portal_url``, and links in it are made absolute
with `absolute_url`. Blank and repeated addresses are dropped, and with none left nothing is sent.

A failure to send is logged and swallowed: the work the email tells of is saved already, so a mail outage must not
turn it into an error page, nor stop the other emails of a batch. Password-reset emails are Django's own
(templates/registration/).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link to a page of the portal that works from an email: PORTAL_BASE_URL then the path."""
    return settings.PORTAL_BASE_URL + path


def notify(*, template: str, to: Iterable[str], context: dict) -> None:
    """Render the email ``template`` with ``context`` and send it to ``to``; see the module docstring."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {"portal_url": settings.PORTAL_BASE_URL, **context}
    subject = "".join(render_to_string(f"emails/{template}_subject.txt", context).splitlines())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(subject, text, None, recipients)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # noqa: BLE001 - the work is saved; a mail outage must not turn into an error page
        logger.exception("Could not send the email %r", subject)
