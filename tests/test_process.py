"""What a worker sets in its runtime before serving (``api/process.py``)."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys

import pytest

from tests.conftest import make_client

# In a fresh interpreter: an 8 MiB block freed, then another allocated and freed; how
# much of the second stays resident.
_KEPT_AFTER_FREE = """
import os, sys
from api.process import large_allocations_mapped
if sys.argv[1] == "mapped":
    assert large_allocations_mapped()
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
size = 8 * 1024 * 1024
block = b"x" * size
del block
before = resident()
block = b"x" * size
del block
print(resident() - before)
"""


def _kept(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _KEPT_AFTER_FREE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator")
def test_a_large_block_freed_goes_back_to_the_system() -> None:
    """By default glibc keeps the second block in the heap once the first was freed;
    a worker's allocator gives it back."""
    assert _kept("default") >= 4 * 1024 * 1024  # what the setting is for
    assert _kept("mapped") < 1024 * 1024


def test_the_objects_made_before_serving_are_frozen_while_it_serves(seeded_url: str) -> None:
    """The collector's oldest-generation passes skip the start-up objects while serving;
    they are handed back to it when serving ends."""
    assert gc.get_freeze_count() == 0
    with make_client(seeded_url) as client:
        assert gc.get_freeze_count() > 50_000
        assert client.get("/v1/models", params={"limit": "1"}).status_code == 200
    assert gc.get_freeze_count() == 0
