"""A council's sign-in settings (its provider, the button, passwords on or off): for superusers only
(sso.rules.can_change_sign_in_settings says why)."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from aims.models import Organisation
from sso import rules
from sso.forms import CouncilSignInForm
from sso.models import CouncilSignIn
from sso.services import council_sign_in_save


@login_required
def council_sign_in(request, slug):
    if not rules.can_change_sign_in_settings(request.user):
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, slug=slug)
    current = CouncilSignIn.objects.filter(organisation=organisation).first()
    form = CouncilSignInForm(request.POST or None, instance=current or CouncilSignIn(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        council_sign_in_save(form=form)
        messages.success(request, f"Sign-in settings for {organisation.name} saved")
        return redirect("sso:council_sign_in", slug)
    secret_set = bool(current and current.client_secret_env and _env_has(current.client_secret_env))
    context = {"organisation": organisation, "form": form, "current": current, "secret_set": secret_set}
    return render(request, "sso/council_sign_in.html", context)


def _env_has(name: str) -> bool:
    # Whether the secret is set on the server, never its value.
    return bool(os.environ.get(name))
