"""What a bench run sets up and tears down: its own PostgreSQL database and Redis
database, wrk, gunicorn with two threaded workers, and a Celery worker.

Every process is started in a session of its own and stopped by its process group, so a
run leaves nothing behind, even when it fails half-way.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from marketplace import queues

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")


@dataclass
class Target:
    """Where a run writes: a database and a Redis database of its own, and the
    environment every process of the run gets (production settings: DEBUG off)."""

    database_url: str
    broker_url: str
    # The shared cache of production (DJANGO_CACHE_URL), or None: each process's
    # memory (the default of an unconfigured install).
    cache_url: str | None = None
    queue: str = field(default_factory=lambda: f"bench-{os.getpid()}")
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            # Persistent connections, as production runs them.
            "DATABASE_CONN_MAX_AGE": "600",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            # Every kind of work (marketplace.queues) to the run's own worker.
            **{queues.setting_name(work): self.queue for work in queues.TASKS_BY_WORK},
            # wrk talks plain http on loopback and says, as the TLS proxy in front of
            # production does, that the client used https.
            "DJANGO_BEHIND_TLS_PROXY": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            **({"DJANGO_CACHE_URL": self.cache_url} if self.cache_url else {}),
        }


def ensure_wrk() -> str:
    """wrk from Debian, installed with apt when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk but it is not on PATH")
    return found


def recreate_database(database_url: str) -> None:
    """Drop and create the run's database (never any other one)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("fm_bench"):
        raise ValueError(f"refusing to drop {name!r}: bench databases start fm_bench")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def flush_redis(broker_url: str) -> None:
    import redis

    redis.Redis.from_url(broker_url).flushdb()


def manage(target: Target, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=target.env(), check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def gunicorn(target: Target, workers: int = 2, threads: int = 4):
    """gunicorn as production runs it (``gunicorn.conf.py``: threaded workers), on a
    free loopback port; yields (base URL, master)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "marketplace.wsgi:application",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=target.env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(f"{base}/healthz/live", process)
        yield base, process
    finally:
        _stop(process)


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        url, headers={"X-Forwarded-Proto": "https"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def celery_worker(target: Target, concurrency: int = 1):
    """A real worker on the run's own queue (prefork, as production runs it)."""
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            # Django's system checks are make test's job; the worker starts without.
            "--skip-checks",
            "--quiet",
            "-A",
            "marketplace",
            "worker",
            "--queues",
            target.queue,
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{target.queue}@%h",
        ],
        cwd=ROOT,
        env=target.env(),
        start_new_session=True,
    )
    try:
        _wait_for_worker(target.queue, process)
        yield process
    finally:
        _stop(process)


def _wait_for_worker(queue: str, process: subprocess.Popen, timeout: float = 60):
    from marketplace.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited with code {process.returncode}")
        replies = app.control.ping(timeout=1.0) or []
        if any(queue in name for reply in replies for name in reply):
            return
    raise RuntimeError(f"the Celery worker of queue {queue} did not start")


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (gunicorn's workers, Celery's pool)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return sorted(found)


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process in MiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def python_version() -> str:
    return sys.version.split()[0]


def freeze_as_a_worker() -> None:
    """As a web worker does once it has imported the application
    (gunicorn.conf.py's ``post_worker_init``): what this process holds already
    (the earlier benchmarks' leftovers included) is put out of the garbage
    collector's reach, so a full collection during a measured request walks only
    what the requests make, and the youngest generation is collected as seldom, as
    in a worker (``marketplace.memory.settle_worker``)."""
    from marketplace.memory import settle_worker

    settle_worker()
