"""The Celery application, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def settle_worker_process(**_kwargs) -> None:
    """A worker's pool process, once forked with the application imported, sets its
    garbage collector as a web worker does (``marketplace.memory.settle_worker``):
    a scoring run makes as many short-lived objects as a long page, and the
    benchmarks compare the worker with a process settled so (docs/performance.md,
    finding 47)."""
    from marketplace.memory import settle_worker

    settle_worker()
