"""Processes that import DRF's settings before the URLconf (``manage.py migrate``, a
Celery worker's system checks, ``make bench``) must start: the API module that
REST_FRAMEWORK names must import without a cycle."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = (
    "import django; django.setup(); "
    "from rest_framework.settings import api_settings; "
    "api_settings.DEFAULT_THROTTLE_CLASSES; api_settings.DEFAULT_PAGINATION_CLASS; "
    "print('ok')"
)


def test_drf_settings_import_first_without_a_cycle():
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "startup-test-key-" + "x" * 40,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
