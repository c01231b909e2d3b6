"""gunicorn's settings for production (read from the working directory by
``gunicorn marketplace.wsgi``; every value can be set from the environment).

Threaded workers (``gthread``): a worker serves ``GUNICORN_THREADS`` requests at once,
so one slow render (a cold search, a large export) never holds the requests queued
behind it, while the page cache, the facet index and the database connections of a
process are shared by its threads. Sizing (docs/performance.md, "Serving"): one
worker per core, four threads each; a worker is about 100 MB once it has served
its first request (what only a few pages use is imported on first use), about
130 MB after serving the bench's pages at 2,000 offerings and 140-145 MB at 20,000
(docs/performance.md, findings 27, 29 and 45).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Requests wait in the kernel's queue, not in a worker, while every thread is busy.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Off by default: a replaced worker starts with an empty page cache and must build
# the facet index again (the bench measured the catalog at a twentieth of its speed
# with a replacement every 5,000 requests). Set it if a process's memory grows.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker) -> None:
    """Once the worker has imported the application: its garbage collector and its
    C allocator are set for serving pages (``marketplace.memory.settle_worker``:
    what is alive now is frozen out of the collections, the youngest generation
    collected less often, the threads' malloc arenas limited)."""
    from marketplace.memory import settle_worker

    settle_worker()
