"""Finding and checking the shared library: NUMGRAD_LIBRARY, the loader search, the
version check and the messages when something is wrong. Each case runs in a fresh
interpreter."""

import os
import subprocess
import sys

import pytest

import numgrad

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(numgrad.__file__)))
LIBRARY = os.path.abspath(numgrad.LIBRARY_PATH)


def run(code, **env_changes):
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_ROOT
    for k, v in env_changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)


def test_numgrad_library_env_is_used():
    r = run("import numgrad; print(numgrad.LIBRARY_PATH)", NUMGRAD_LIBRARY=LIBRARY)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == LIBRARY


def test_bad_numgrad_library_env():
    r = run("import numgrad", NUMGRAD_LIBRARY="/nonexistent/libnumgrad.so")
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "NUMGRAD_LIBRARY='/nonexistent/libnumgrad.so' could not be loaded" in r.stderr


def test_dynamic_loader_search():
    if not os.path.exists(os.path.join(os.path.dirname(LIBRARY), "libnumgrad.so.0")):
        pytest.skip("no libnumgrad.so.0 next to %s" % LIBRARY)
    r = run("import numgrad; print(numgrad.LIBRARY_PATH)", NUMGRAD_LIBRARY=None,
            LD_LIBRARY_PATH=os.path.dirname(LIBRARY))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "libnumgrad.so.0"


def test_not_found_message_lists_what_was_tried():
    r = run("import numgrad", NUMGRAD_LIBRARY=None, LD_LIBRARY_PATH=None)
    if r.returncode == 0:
        pytest.skip("a libnumgrad is installed where the loader finds it")
    assert "the shared library libnumgrad was not found. Tried:" in r.stderr
    assert "libnumgrad.so.0 (dynamic loader search)" in r.stderr
    assert "set NUMGRAD_LIBRARY=<builddir>/lib/libnumgrad.so" in r.stderr


FAKE = """
import ctypes
real = ctypes.CDLL
class Fake:
    def __init__(self, name, *args, **kwargs):
        self._real = real(name, *args, **kwargs)
    def __getattr__(self, name):
        if name == %(missing)r:
            raise AttributeError(name)
        if name == "ng_version":
            return ctypes.CFUNCTYPE(ctypes.c_int32)(lambda: %(version)d)
        return getattr(self._real, name)
ctypes.CDLL = Fake
import numgrad
print(numgrad.library_version())
"""


def test_version_check():
    r = run(FAKE % {"missing": "", "version": 10000}, NUMGRAD_LIBRARY=LIBRARY)
    assert r.returncode != 0
    assert "but this Python package needs 0.x with x >= 1" in r.stderr
    r = run(FAKE % {"missing": "", "version": 0}, NUMGRAD_LIBRARY=LIBRARY)
    assert r.returncode != 0 and "is version 0.0.0, but" in r.stderr
    r = run(FAKE % {"missing": "", "version": 105}, NUMGRAD_LIBRARY=LIBRARY)
    assert r.returncode == 0, r.stderr  # a newer minor is fine
    assert r.stdout.strip() == "(0, 1, 5)"


def test_missing_symbol():
    r = run(FAKE % {"missing": "ng_gradient", "version": 100}, NUMGRAD_LIBRARY=LIBRARY)
    assert r.returncode != 0
    assert "does not export ng_gradient" in r.stderr
