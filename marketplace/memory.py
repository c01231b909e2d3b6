"""A web process's memory: giving freed memory back to the system.

A worker that builds a large value once (the catalog's facet index reads every
published offering) frees what it read, but the C allocator (glibc's ``malloc``)
keeps freed pages for later: the process's resident size stays at its peak until
:func:`release_free_memory` gives them back. A no-op where the C library is not
glibc.
"""

import ctypes
import ctypes.util
import functools


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
