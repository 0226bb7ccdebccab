"""The page-body cache renders a missing body once, however many readers miss it at the same time."""

import threading
import time

import pytest
from django.core.cache import cache

from core import page_cache
from core.page_cache import body_keys, cached_body

PARTS = ["test-page", 1, 7]


class Renderer:
    """A render function that counts its calls and, when asked, holds on until released."""

    def __init__(self, body: str, *, hold: bool = False, fail: bool = False, seconds: float = 0):
        self.body, self.hold, self.fail, self.seconds = body, hold, fail, seconds
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> str:
        self.calls += 1
        self.started.set()
        if self.hold:
            assert self.release.wait(10), "never released"
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("rendering failed")
        return self.body


def in_thread(function, *args):
    """Run `function(*args)` in a thread; returns the thread and a dict that will hold "result" or "error"."""
    out = {}

    def run():
        try:
            out["result"] = function(*args)
        except Exception as error:  # noqa: BLE001 - handed back to the test
            out["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def waiting_for_the_renderer(monkeypatch, parts) -> threading.Event:
    """Set once a reader is in the wait loop and has seen another reader's lock: it is waiting for that body."""
    waiting = threading.Event()
    lock = body_keys(parts)[1]
    real = page_cache._cache

    def spy(method, *args):
        value = real(method, *args)
        if method == "get" and args[0] == lock and value is not None:
            waiting.set()
        return value

    monkeypatch.setattr(page_cache, "_cache", spy)
    return waiting


def test_a_miss_renders_and_the_next_reader_gets_the_cached_body():
    render = Renderer("<p>Body</p>")
    assert cached_body(PARTS, render) == "<p>Body</p>"
    assert cached_body(PARTS, render) == "<p>Body</p>"
    assert render.calls == 1
    other = Renderer("<p>Other</p>")
    assert cached_body([*PARTS, "another version"], other) == "<p>Other</p>"
    key, lock = body_keys(PARTS)
    assert cache.get(key) == "<p>Body</p>" and cache.get(lock) is None


def test_a_reader_who_misses_while_another_renders_waits_for_its_body(monkeypatch):
    waiting = waiting_for_the_renderer(monkeypatch, PARTS)
    winner = Renderer("<p>From the winner</p>", hold=True)
    loser = Renderer("<p>From the loser</p>")
    winner_thread, winner_out = in_thread(cached_body, PARTS, winner)
    assert winner.started.wait(5)
    loser_thread, loser_out = in_thread(cached_body, PARTS, loser)
    assert waiting.wait(5), "the loser did not wait for the winner"
    assert loser_thread.is_alive()
    winner.release.set()
    winner_thread.join(5)
    loser_thread.join(5)
    assert winner_out == {"result": "<p>From the winner</p>"}
    assert loser_out == {"result": "<p>From the winner</p>"}
    assert (winner.calls, loser.calls) == (1, 0)
    assert cache.get(body_keys(PARTS)[1]) is None  # the lock is released


def test_many_readers_at_once_render_once():
    render = Renderer("<p>Body</p>", seconds=0.3)
    start = threading.Barrier(20)
    results = []

    def read():
        start.wait(5)
        results.append(str(cached_body(PARTS, render)))

    threads = [threading.Thread(target=read, daemon=True) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["<p>Body</p>"] * 20
    assert render.calls == 1


def test_a_lock_left_by_a_renderer_that_died_delays_readers_but_does_not_block_them(monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.5)
    key, lock = body_keys(PARTS)
    cache.add(lock, 1, 30)  # taken by a process that died before rendering
    render = Renderer("<p>Body</p>")
    started = time.monotonic()
    assert cached_body(PARTS, render) == "<p>Body</p>"
    assert time.monotonic() - started >= 0.5  # it waited for the body first
    assert render.calls == 1
    assert cache.get(key) == "<p>Body</p>"
    assert cached_body(PARTS, Renderer("<p>Not rendered</p>")) == "<p>Body</p>"


def test_when_the_renderer_fails_the_waiting_reader_renders_at_once(monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 30.0)
    waiting = waiting_for_the_renderer(monkeypatch, PARTS)
    winner = Renderer("<p>Never</p>", hold=True, fail=True)
    loser = Renderer("<p>From the loser</p>")
    winner_thread, winner_out = in_thread(cached_body, PARTS, winner)
    assert winner.started.wait(5)
    started = time.monotonic()
    loser_thread, loser_out = in_thread(cached_body, PARTS, loser)
    assert waiting.wait(5), "the loser did not wait for the winner"  # else it would simply render, proving nothing
    winner.release.set()
    winner_thread.join(5)
    loser_thread.join(10)
    assert isinstance(winner_out.get("error"), RuntimeError)
    assert loser_out == {"result": "<p>From the loser</p>"}
    assert time.monotonic() - started < 10  # not the 30 s it would wait for a renderer still at work
    assert cache.get(body_keys(PARTS)[0]) == "<p>From the loser</p>"


@pytest.fixture(autouse=True)
def _no_leftover_lock():
    yield
    cache.delete(body_keys(PARTS)[1])


def test_a_cache_that_is_down_costs_speed_not_the_page(monkeypatch, caplog):
    """With the cache server (CACHE_URL, Redis) unreachable, pages render from the database, and say so in
    the log; an error of the page's own rendering is not mistaken for the cache failing."""

    class Unreachable:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

            return fail

    monkeypatch.setattr(page_cache, "cache", Unreachable())
    # Another test's dictConfig (LOGGING) may have disabled loggers that existed before it: not this one's concern.
    monkeypatch.setattr(page_cache.logger, "disabled", False)
    caplog.set_level("WARNING", logger=page_cache.logger.name)
    render = Renderer("<p>computed</p>")
    assert cached_body(PARTS, render) == "<p>computed</p>" and render.calls == 1
    assert "page cache unavailable (ConnectionError)" in caplog.text
    with pytest.raises(RuntimeError, match="rendering failed"):
        cached_body(PARTS, Renderer("x", fail=True))


def test_a_cache_that_fails_after_rendering_still_returns_the_body(monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("Redis went away")

    monkeypatch.setattr(page_cache.cache, "set", broken_set)
    render = Renderer("<p>once</p>")
    assert cached_body(PARTS, render) == "<p>once</p>" and render.calls == 1
    key, lock = body_keys(PARTS)
    assert cache.get(lock) is None  # the lock was released


def test_while_one_reader_rebuilds_a_changed_page_the_others_get_its_latest_body_at_once():
    """Stale while revalidate: readers never queue in their workers behind a rebuild (the dashboard)."""
    stale = ["page", 1]
    assert cached_body([*PARTS, "version 1"], Renderer("<p>Version 1</p>"), stale=stale) == "<p>Version 1</p>"
    rebuilder = Renderer("<p>Version 2</p>", hold=True)
    thread, out = in_thread(lambda: cached_body([*PARTS, "version 2"], rebuilder, stale=stale))
    assert rebuilder.started.wait(5)
    reader = Renderer("<p>Never rendered</p>")
    assert cached_body([*PARTS, "version 2"], reader, stale=stale) == "<p>Version 1</p>"  # at once, no waiting
    assert reader.calls == 0
    rebuilder.release.set()
    thread.join(5)
    assert out == {"result": "<p>Version 2</p>"}
    # The rebuild done, everyone reads the current body; a page never rendered has no stale body to give.
    assert cached_body([*PARTS, "version 2"], reader, stale=stale) == "<p>Version 2</p>"
    assert reader.calls == 0
