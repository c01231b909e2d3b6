"""Static files: WhiteNoise with its file index built once per process, and each
file's response made when it is first asked for.

WhiteNoise (without autorefresh) walks ``STATIC_ROOT`` whenever its middleware is
built, to index every file: after ``collectstatic`` that is 10,000+ files (USWDS
icons), about a second. A web process builds its middleware once, so production pays
that once per worker either way. But every Django test client builds a new handler,
hence a new middleware: a suite of hundreds of clients paid a full walk per client.
Here the index is kept per process, keyed by the root and everything that shapes a
file's response (cache lifetime, charset, headers, the immutable-file test, the
static storage), so every later middleware reuses it. Autorefresh (``DEBUG``) still
looks files up on each request, as WhiteNoise does.

The index holds each URL's file path, not WhiteNoise's response for it: a response
(``StaticFile``: its headers, the stats and headers of its compressed copies) is made
on the URL's first request and kept (:class:`ServedFiles`). WhiteNoise makes all of
them at start: 5,779 URLs after ``collectstatic``, about 12 MB of a web worker
(docs/performance.md, finding 45), of which a page uses a few dozen.
"""

import threading

from django.conf import settings as django_settings
from whitenoise.middleware import WhiteNoiseMiddleware as _WhiteNoiseMiddleware


class ServedFiles(dict):
    """WhiteNoise's ``files`` (URL -> what it serves), where a URL may still hold its
    file's path: :meth:`get` makes the response (``make(path, url)``) on the first
    request and keeps it in place of the path."""

    def __init__(self, make) -> None:
        super().__init__()
        self._make = make

    def get(self, url, default=None):
        found = super().get(url, default)
        if isinstance(found, str):
            # Two threads may both make it: the same response, the last one kept.
            found = self[url] = self._make(found, url)
        return found


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

    @property
    def files(self) -> dict:
        return self._served

    @files.setter
    def files(self, found: dict) -> None:
        self._served = ServedFiles(self._static_file)
        self._served.update(found)

    def add_files(self, root, prefix=None):
        if self.autorefresh:
            return super().add_files(root, prefix)
        key = self._index_key(root, prefix)
        with self._lock:
            found: dict | None = self._indexes.get(key)
            if found is None:
                mine: dict = self.files
                self.files = {}
                super().add_files(root, prefix)
                # The paths, not this middleware's responses.
                found, self.files = dict(self.files), mine
                self._indexes[key] = found
        self.files.update(found)

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        """WhiteNoise's, except that a file is indexed by its path (its response is
        made by :class:`ServedFiles` when asked for). An index file's redirects are
        made at once, as WhiteNoise makes them."""
        if self.autorefresh or (
            self.index_file is not None and url.endswith("/" + self.index_file)
        ):
            return super().add_file_to_dictionary(url, path, stat_cache)
        if not self.is_compressed_variant(path, stat_cache=stat_cache):
            self.files[url] = path

    def _static_file(self, path, url):
        return self.get_static_file(path, url)
