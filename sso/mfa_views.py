"""The second step of a password sign-in (a code from the authenticator app, or a recovery code), and setting up
an authenticator app. Wrong codes count against the same limits as wrong passwords (django-axes and
accounts/signin_limits.py), on top of django-otp's own doubling delay after each failure."""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.signin_limits import lockout_response
from core.errors import DomainError
from sso import events, pending
from sso.forms import WRONG_CODE, WRONG_RECOVERY_CODE, CodeForm, RecoveryCodeForm
from sso.services import authenticator_confirm, authenticator_of, authenticator_start

SETTING_UP = "_sso_setting_up_device"
RECOVERY_CODES = "_sso_recovery_codes"
AFTER_CODES = "_sso_after_recovery_codes"


def _locked(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def _failed(request, user, event: str) -> None:
    events.mfa_event(request, event=event, user=user)
    # Counted as a failed sign-in for the username from this address, and for the address.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def _second_step(request, *, form_class, device_of, event: str, wrong: str, template: str):
    user = pending.pending_user(request)
    if user is None:
        return redirect("login")
    device = device_of(user)
    if device is None:
        return redirect("sso:authenticator_set_up" if event == "code" else "sso:code")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _locked(request, user):
            events.mfa_event(request, event="locked-out", user=user)
            return lockout_response(request)
        if device.verify_token(next(iter(form.cleaned_data.values()))):
            events.mfa_event(request, event=f"{event}-accepted", user=user)
            return redirect(pending.pending_finish(request, user=user, device=device))
        _failed(request, user, f"{event}-refused")
        form.add_error(list(form.fields)[0], wrong)
    return render(request, template, {"form": form})


def code(request):
    """ "Enter the 6-digit code from your authenticator app"."""
    return _second_step(
        request,
        form_class=CodeForm,
        device_of=authenticator_of,
        event="code",
        wrong=WRONG_CODE,
        template="sso/code.html",
    )


def recovery_code(request):
    """ "Use a recovery code": one of the ten made when the app was set up; each works once."""
    return _second_step(
        request,
        form_class=RecoveryCodeForm,
        device_of=lambda user: StaticDevice.objects.filter(user=user, token_set__isnull=False).first(),
        event="recovery-code",
        wrong=WRONG_RECOVERY_CODE,
        template="sso/recovery_code.html",
    )


def _device_being_set_up(request, user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(pk=request.session.get(SETTING_UP), user=user, confirmed=False).first()
    if device is None:
        device = authenticator_start(user=user)
        request.session[SETTING_UP] = device.pk
    return device


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def authenticator_set_up(request):
    """ "Set up an authenticator app": for a lead or superuser whose password was right (required before anything
    else), or for anyone signed in who wants one. A waiting person who already has an app is asked for its code
    instead: the password alone must never be enough to replace the app."""
    waiting = pending.pending_user(request)
    user = waiting or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect("login")
    if waiting is not None and authenticator_of(waiting) is not None:
        return redirect("sso:code")
    device = _device_being_set_up(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _locked(request, user):
            events.mfa_event(request, event="locked-out", user=user)
            return lockout_response(request)
        try:
            codes = authenticator_confirm(device=device, token=form.cleaned_data["code"])
        except DomainError as error:
            _failed(request, user, "set-up-code-refused")
            form.add_error("code", str(error))
        else:
            events.mfa_event(request, event="set-up", user=user)
            request.session.pop(SETTING_UP, None)
            after = pending.pending_finish(request, user=user, device=device) if waiting else reverse("home")
            request.session[RECOVERY_CODES] = codes
            request.session[AFTER_CODES] = after
            return redirect("sso:recovery_codes")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, border=2).replace(
            "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" focusable="false" ', 1
        ),
        "secret": _secret_text(device),
        "required": waiting is not None,
    }
    return render(request, "sso/authenticator_set_up.html", context)


def recovery_codes(request):
    """The recovery codes, shown once, straight after setting up the app."""
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes or not request.user.is_authenticated:
        return redirect("home")
    return render(request, "sso/recovery_codes.html", {"codes": codes, "after": request.session.pop(AFTER_CODES, "/")})
