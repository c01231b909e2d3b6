"""The bench serves as production does: with ``--shared-cache`` its processes get
the run's Redis database as their shared cache (DJANGO_CACHE_URL), without it each
process keeps its own (an unconfigured install's default)."""

from bench.__main__ import parse
from bench.processes import Target


def test_the_shared_cache_is_the_runs_redis_database_only_when_asked(monkeypatch):
    monkeypatch.delenv("DJANGO_CACHE_URL", raising=False)
    shared = parse(["--shared-cache", "--redis-url", "redis://127.0.0.1:6379/13"])
    assert shared.shared_cache and not parse([]).shared_cache
    target = Target(
        database_url="postgres://x@127.0.0.1:5432/fm_bench",
        broker_url="redis://127.0.0.1:6379/13",
        cache_url="redis://127.0.0.1:6379/13",
    )
    assert target.env()["DJANGO_CACHE_URL"] == "redis://127.0.0.1:6379/13"
    alone = Target(
        database_url="postgres://x@127.0.0.1:5432/fm_bench",
        broker_url="redis://127.0.0.1:6379/13",
    )
    assert "DJANGO_CACHE_URL" not in alone.env()
