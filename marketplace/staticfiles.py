"""Static files: WhiteNoise with its file index built once per process.

WhiteNoise (without autorefresh) walks ``STATIC_ROOT`` whenever its middleware is
built, to index every file: after ``collectstatic`` that is 10,000+ files (USWDS
icons), about a second. A web process builds its middleware once, so production pays
that once per worker either way. But every Django test client builds a new handler,
hence a new middleware: a suite of hundreds of clients paid a full walk per client.
Here the index is kept per process, keyed by the root and everything that shapes a
file's response (cache lifetime, charset, headers, the immutable-file test, the
static storage), so every later middleware reuses it. Autorefresh (``DEBUG``) still
looks files up on each request, as WhiteNoise does.
"""

import threading

from django.conf import settings as django_settings
from whitenoise.middleware import WhiteNoiseMiddleware as _WhiteNoiseMiddleware


class WhiteNoiseMiddleware(_WhiteNoiseMiddleware):
    _indexes: dict[tuple, dict] = {}
    _lock = threading.Lock()

    def __init__(self, get_response=None, settings=django_settings):
        self._settings = settings
        super().__init__(get_response, settings)

    def _index_key(self, root, prefix) -> tuple:
        test = self.immutable_file_test
        storages = getattr(self._settings, "STORAGES", {})
        return (
            str(root),
            prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.add_headers_function,
            self.index_file,
            getattr(test, "__func__", test),
            repr(getattr(self._settings, "WHITENOISE_MIMETYPES", None)),
            repr(storages.get("staticfiles")),
            getattr(self._settings, "STATIC_URL", None),
        )

    def add_files(self, root, prefix=None):
        if self.autorefresh:
            return super().add_files(root, prefix)
        key = self._index_key(root, prefix)
        with self._lock:
            files = self._indexes.get(key)
            if files is None:
                mine, self.files = self.files, {}
                super().add_files(root, prefix)
                files, self.files = self.files, mine
                self._indexes[key] = files
        self.files.update(files)
