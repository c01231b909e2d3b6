"""A web process's memory: giving freed memory back to the system.

A worker that builds a large value once (the catalog's facet index reads every
published offering) frees what it read, but the C allocator (glibc's ``malloc``)
keeps freed pages for later: the process's resident size stays at its peak until
:func:`release_free_memory` gives them back. A no-op where the C library is not
glibc.

Once a worker has imported the application, :func:`settle_worker` sets its
garbage collector and its C allocator for serving pages (gunicorn.conf.py's
``post_worker_init``), and a Celery pool process for its tasks
(``marketplace.celery``'s ``worker_process_init``); the benchmarks' processes do
the same.
"""

import ctypes
import ctypes.util
import functools
import gc

# The collector's youngest generation runs once this many more container objects
# were made than freed (Python's default: 700). A need's long page keeps some
# 15,000 alive until it ends (its rows, lines and claims): at 700 a fit-gap report
# ran about 21 young and 2 middle collections, each walking what the page still
# held, and the middle ones promoted it towards the full collections. At 20,000
# most of a request's objects are freed (by their reference counts) before a
# collection sees them. The cost: garbage in reference cycles waits for up to
# 20,000 allocations, about one long page's worth (docs/performance.md,
# finding 40).
YOUNG_GENERATION_THRESHOLD = 20_000

# The malloc arenas a worker's threads share. glibc gives a thread that finds the
# arenas busy one of its own, up to 8 per core, and what a thread freed in an arena
# serves only the allocations made there: each arena stays near its own peak. A
# worker of the bench had four besides the main one (one with this limit), and at
# 20,000 offerings peaked about 6 MB higher (docs/performance.md, finding 45). Its
# threads hold the GIL for most of their work, so they seldom wait on an arena's
# lock. glibc's ``M_ARENA_MAX`` (malloc.h), as the environment's
# ``MALLOC_ARENA_MAX`` sets it at a process's start.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8


def settle_worker() -> None:
    """What a web worker does once it has imported the application: every object
    alive now (the modules, settings, URL patterns, templates' loaders) is moved
    out of the collector's reach (``gc.freeze``), so a full collection during a
    request walks only what requests made since, not the whole import graph (the
    bench measured full collections of 120-150 ms in a process holding more than
    a worker does, docs/performance.md, finding 17); and the youngest generation
    is collected less often (:data:`YOUNG_GENERATION_THRESHOLD`); and the threads
    it starts next share :data:`MALLOC_ARENAS` malloc arenas."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
    limit_malloc_arenas()


@functools.cache
def _glibc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    return library if hasattr(library, "malloc_trim") else None


def release_free_memory() -> bool:
    """Give the pages malloc holds free back to the system (``malloc_trim``: a few
    milliseconds). ``False``: not glibc, or nothing to give back."""
    library = _glibc()
    return bool(library and library.malloc_trim(0))


def limit_malloc_arenas() -> bool:
    """At most :data:`MALLOC_ARENAS` malloc arenas from now on (called before the
    worker starts its threads). ``False``: not glibc."""
    library = _glibc()
    return bool(library and library.mallopt(_M_ARENA_MAX, MALLOC_ARENAS))
