"""dask.array.map_overlap with numgrad's halo mode reproduces numpy.gradient on chunked
arrays (issue 8). The helper under test is the README's own example
(README.md, section Python), executed from the README text."""

import os
import re

import numpy as np
import pytest

dask = pytest.importorskip(
    "dask", reason="dask is not installed (Debian: python3-dask, in scripts/deps/python.txt)")
import dask.array as da  # noqa: E402

import numgrad  # noqa: E402
from oracle import mismatch, numpy_gradient  # noqa: E402

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def readme_blocks():
    with open(README) as fh:
        return re.findall(r"```python\n(.*?)```", fh.read(), re.S)


def readme_block(marker):
    blocks = [b for b in readme_blocks() if marker in b]
    assert len(blocks) == 1, "README.md: %d python blocks contain %r" % (
        len(blocks), marker)
    return blocks[0]


@pytest.fixture(scope="module")
def synchronous():
    # One thread, in order: deterministic and fast for arrays this small.
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.fixture(scope="module")
def dask_gradient(synchronous):
    """The README's dask_gradient (its example runs and asserts on the way)."""
    namespace = {"__name__": "readme_dask_example"}
    exec(compile(readme_block("map_overlap"), README + " (dask example)", "exec"), namespace)
    return namespace["dask_gradient"]


def test_readme_example_runs(dask_gradient):
    assert callable(dask_gradient)


def random_chunks(rng, n, least):
    """Uneven chunk sizes of at least `least` (one chunk when n is small)."""
    sizes = []
    left = n
    while left:
        c = int(rng.integers(least, max(least, n // 2) + 1))
        if left - c < least:
            c = left
        sizes.append(c)
        left -= c
    return tuple(sizes)


def data(rng, shape, dtype):
    if np.dtype(dtype).kind == "c":
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    if np.dtype(dtype).kind == "i":
        return rng.integers(-10 ** 6, 10 ** 6, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("i", range(18))
def test_chunked_gradient_equals_numpy(dask_gradient, i):
    rng = np.random.default_rng(4400 + i)
    nd = 1 + i % 3
    shape = tuple(int(n) for n in rng.integers(5, [60, 24, 12][nd - 1] + 1, nd))
    dtype = [np.float64, np.complex128, np.int32][i // 3 % 3]
    f = data(rng, shape, dtype)
    chunks = tuple(random_chunks(rng, n, 2) for n in shape)
    d = da.from_array(f, chunks=chunks)
    eo = 1 + i % 2
    for axis in range(nd):
        kind = (i + axis) % 3
        if kind == 0:
            args = ()
        elif kind == 1:
            args = (float(rng.uniform(0.1, 2)),)
        else:
            args = (np.cumsum(rng.uniform(0.3, 1.7, shape[axis])),)
        got = dask_gradient(d, axis, *args, edge_order=eo)
        assert got.chunks == d.chunks
        got = got.compute()
        want = numpy_gradient(f, *args, axis=axis, edge_order=eo)[0]
        m = mismatch(got, want)
        assert m is None, "axis %d, chunks %s: %s" % (axis, chunks, m)


@pytest.mark.parametrize("accuracy", [4, 6])
def test_chunked_gradient_at_higher_accuracy(dask_gradient, accuracy):
    # Beyond numpy's formulas: bit for bit numgrad's gradient of the whole array.
    rng = np.random.default_rng(accuracy)
    f = rng.standard_normal((41, 37))
    x = np.cumsum(rng.uniform(0.3, 1.7, 37))
    least = accuracy // 2 + 1
    d = da.from_array(f, chunks=(random_chunks(rng, 41, least), random_chunks(rng, 37, least)))
    for axis, args in [(0, (0.25,)), (1, (x,))]:
        got = dask_gradient(d, axis, *args, accuracy=accuracy).compute()
        want = numgrad.gradient(f, *args, axis=axis, accuracy=accuracy)
        assert mismatch(got, want) is None, "axis %d chunks %s" % (axis, d.chunks)


def test_single_chunk_and_float32(dask_gradient):
    f = np.linspace(0, 3, 50, dtype=np.float32) ** 3
    one = dask_gradient(da.from_array(f, chunks=50), 0, 0.5).compute()
    assert mismatch(one, numgrad.gradient(f, 0.5)) is None
    many = dask_gradient(da.from_array(f, chunks=8), 0, 0.5).compute()
    assert many.dtype == np.float32
    assert mismatch(many, numgrad.gradient(f, 0.5)) is None
