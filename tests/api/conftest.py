import datetime as dt

import pytest
from django.utils import timezone

from api import services


def make_token(user, *, days: int = 30, name: str = "Feed") -> str:
    _token, raw = services.api_token_create(
        user=user, name=name, expires_on=timezone.localdate() + dt.timedelta(days=days)
    )
    return raw


def bearer(raw: str | None) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}


@pytest.fixture
def token_for(db):
    return make_token
