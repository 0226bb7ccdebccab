"""Sessions read from the shared cache and written through to the database (used only when CACHE_URL is set).

Django's cached_db backend, with two changes for a portal that must keep working while Redis is down:

- every cache operation may fail: the session is then read from, and written to, the database alone (a warning
  is logged, not a traceback per request);
- a session stays in the cache for at most CACHE_SECONDS. Signing out deletes the session from the database and
  the cache; if the cache cannot be reached at that moment and the cache server later comes back with its data
  (a Redis that persists to disk), the signed-out session could be read from it again, but only until this short
  expiry, not for the whole idle timeout.

With the default per-process cache the portal keeps sessions in the database alone (settings.SESSION_ENGINE): a
session deleted in one process would stay readable in the caches of the others.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)
CACHE_SECONDS = 5 * 60


class SessionStore(cached_db.SessionStore):
    def _cache_call(self, method: str, *args):
        try:
            return getattr(self._cache, method)(*args)
        except Exception as exc:  # noqa: BLE001 - whatever the backend raises: redis.ConnectionError, OSError...
            logger.warning("session cache unavailable (%s), using the database alone", exc.__class__.__name__)
            return None

    def _cache_seconds(self, expiry=None) -> int:
        return min(CACHE_SECONDS, self.get_expiry_age(expiry=expiry) if expiry else self.get_expiry_age())

    def load(self):
        data = self._cache_call("get", self.cache_key)
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            self._cache_call("set", self.cache_key, data, self._cache_seconds(stored.expire_date))
        return data

    def exists(self, session_key):
        if session_key and self._cache_call("get", self.cache_key_prefix + session_key) is not None:
            return True
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)  # the database first: it is the record
        self._cache_call("set", self.cache_key, self._session, self._cache_seconds())

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache_call("delete", self.cache_key_prefix + session_key)
