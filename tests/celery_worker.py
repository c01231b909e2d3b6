"""A real Celery worker process for the tests of CI's services pass.

The worker runs ``celery -A marketplace worker`` against the test database that
pytest-django created and a queue of its own, so that stray workers and other test
runs on the same Redis never take its tasks.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connection

from marketplace import queues
from marketplace.celery import app

ROOT = Path(settings.BASE_DIR)


def _database_url_for_test_db() -> str:
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = connection.settings_dict["NAME"]
    user = config.get("USER") or ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    password = config.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{host}:{port}/{name}"


def fresh_queue() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


@contextmanager
def celery_worker(
    concurrency: int = 1,
    extra_env: dict | None = None,
    *,
    queue: str | None = None,
    routes: dict[str, str] | None = None,
):
    """Start a worker on ``queue`` (a fresh one by default); route this process's
    tasks (``routes``: kind of work -> queue, every kind to ``queue`` by default,
    see marketplace.queues) as the worker routes the tasks it sends; stop it."""
    queue = queue or fresh_queue()
    routes = routes or dict.fromkeys(queues.TASKS_BY_WORK, queue)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **{queues.setting_name(work): name for work, name in routes.items()},
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1"),
        **(extra_env or {}),
    }
    with tasks_sent_to(queue, routes=routes):
        yield from _worker(queue, concurrency, env)


@contextmanager
def tasks_sent_to(queue: str, *, routes: dict[str, str] | None = None):
    """Send this process's tasks to ``queue`` (``routes``: kind of work -> queue,
    every kind to ``queue`` by default, see marketplace.queues), as before after."""
    routes = routes or dict.fromkeys(queues.TASKS_BY_WORK, queue)
    previous_queue = app.conf.task_default_queue
    previous_routes = app.conf.task_routes
    app.conf.task_default_queue = queue
    app.conf.task_routes = queues.task_routes(routes)
    _routes_changed()
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous_queue
        app.conf.task_routes = previous_routes
        _routes_changed()


def _worker(queue: str, concurrency: int, env: dict):
    """A worker process on ``queue`` while the generator is suspended; stopped after."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--queues",
            queue,
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_until_ready(queue)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _routes_changed() -> None:
    """Celery reads ``task_routes`` once, into a router it keeps: make it read them
    again."""
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def _wait_until_ready(queue: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if any(queue in name for reply in replies for name in reply):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the Celery worker for queue {queue} did not start")


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.25):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
