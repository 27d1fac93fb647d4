"""What a worker process sets in its runtime before it serves: the collector, the allocator.

* **The collector.** The objects made before serving (modules, routes, validators,
  mappers: some 200,000, living as long as the process) are frozen out of the cyclic
  garbage collector's passes while it serves (``startup_objects_frozen``).
* **The allocator.** glibc's malloc serves an allocation of ``MMAP_THRESHOLD_BYTES`` or
  more from a mapping of its own, given back to the system when it is freed
  (``large_allocations_mapped``). By default that threshold rises to the size of the
  largest such block freed so far (up to 32 MiB), after which large blocks come from the
  heap of the worker thread that asked, and a heap keeps what was freed in it: a trend
  fit over 1,000,000 models (arrays of several MiB) left a worker about 60 MiB larger
  after each burst of fits, though nothing was still in use.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

# glibc's mallopt parameter for the threshold (malloc.h), and the value: glibc's default,
# fixed (setting it turns the rising threshold off).
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


@contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """Keep the objects made so far out of the collector's passes while serving.

    Left with the collector, they would be traversed again by every collection of the
    oldest generation that requests trigger; frozen (``gc.freeze``), they are not. They
    are handed back when serving ends, so that an application started and stopped in
    one process (the tests) is collected as before. No collection runs first: with the
    objects of earlier applications in the process (the tests), one takes a second or
    more, and the little garbage frozen with the rest is collected once handed back.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def large_allocations_mapped() -> bool:
    """Fix glibc's mmap threshold (module docs); False where the C library is not glibc
    or does not take it (then nothing changes)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
