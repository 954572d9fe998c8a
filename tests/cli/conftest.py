"""Shared helpers of the numgrad command's tests.

Run by meson (`meson test --suite cli`) with NUMGRAD set to the built executable and
Debian's /usr/bin/python3 (numpy 1.24 is the oracle). Every test works in its own
temporary directory, removed afterwards whatever happens.
"""
import os
import shutil
import struct
import subprocess
import tempfile

import numpy as np
import pytest

NUMGRAD = os.environ.get("NUMGRAD", "")


@pytest.fixture
def workdir():
    if not NUMGRAD or not os.access(NUMGRAD, os.X_OK):
        pytest.fail("set NUMGRAD to the numgrad executable (meson test does)")
    # Beside the build, not in pytest's retained tmp_path: the large test makes GiBs.
    d = tempfile.mkdtemp(prefix="numgrad-cli-test-")
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run(*args, cwd=None, timeout=120):
    """Runs numgrad with `args`; returns the CompletedProcess (text output)."""
    return subprocess.run([NUMGRAD, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def npy_bytes(descr, shape, data=b"", fortran=False, version=1, header=None, align=64):
    """A .npy file's bytes written by hand: any descriptor text, any header text."""
    if header is None:
        header = "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (
            descr if descr.startswith("[") else repr(descr), fortran, repr(tuple(shape)))
    raw = header.encode("utf8" if version == 3 else "latin1")
    lensize = 2 if version == 1 else 4
    pad = (-(8 + lensize + len(raw) + 1)) % align
    raw = raw + b" " * pad + b"\n"
    fmt = "<H" if version == 1 else "<I"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(fmt, len(raw)) + raw + data


def write(path, content):
    with open(path, "wb") as f:
        f.write(content)
    return path


def same_bits(a, b):
    """Bitwise equality of two arrays: same dtype, shape and bytes (NaNs included)."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def listing(d):
    return sorted(os.listdir(d))
