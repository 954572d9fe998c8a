"""Seeded randomized comparison of numgrad.gradient with numpy.gradient.

Each case draws a dtype, a shape of 0 to 6 dims (minimal sizes included), a memory
layout, an axis form, a spacing form and an edge order, then requires numgrad's results
to equal numpy's bit for bit (float16: numpy in float32, rounded once to float16).
A failing case prints everything needed to replay it: its seed and its description.
"""

import numpy as np
import pytest

import numgrad
from oracle import as_list, assert_same, reference, reference_half

SEED = 20240611
NCASES = 2600

DTYPES = [np.float16, np.float32, np.float64, np.complex64, np.complex128,
          np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
LAYOUTS = ["C", "F", "negative", "slice", "transpose", "broadcast", "mixed", "byteswap",
           "unaligned"]


def values(rng, shape, dtype, special):
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if rng.random() < 0.5:
            lo, hi = int(info.min), int(info.max)
        else:
            lo, hi = max(int(info.min), -100), min(int(info.max), 100)
        return rng.integers(lo, hi, size=shape, dtype=dt, endpoint=True)
    scale = 10.0 ** int(rng.integers(-3, 4))
    v = rng.standard_normal(shape) * scale
    if dt.kind == "c":
        v = v + 1j * rng.standard_normal(shape) * scale
    v = v.astype(dt)
    if special and v.size:
        flat = v.reshape(-1)
        for _ in range(int(rng.integers(1, 4))):
            s = rng.choice([np.inf, -np.inf, np.nan, -0.0, 0.0])
            i = int(rng.integers(flat.size))
            if dt.kind == "c":
                if rng.random() < 0.5:
                    flat[i] = complex(s, flat[i].imag)
                else:
                    flat[i] = complex(flat[i].real, s)
            else:
                flat[i] = s
    return v


def layout(rng, shape, dtype, kind, special):
    """An array of `shape` in memory layout `kind`, filled with random values."""
    nd = len(shape)
    if kind == "C" or nd == 0:
        return values(rng, shape, dtype, special)
    if kind == "F":
        return np.asfortranarray(values(rng, shape, dtype, special))
    if kind == "negative":
        base = values(rng, shape, dtype, special)
        flips = rng.random(nd) < 0.6
        return base[tuple(slice(None, None, -1) if fl else slice(None) for fl in flips)]
    if kind == "slice":
        steps = rng.integers(1, 4, nd)
        offs = rng.integers(0, 3, nd)
        big = [int(o + s * max(n - 1, 0) + 1 + rng.integers(0, 2)) for n, s, o in
               zip(shape, steps, offs)]
        base = values(rng, big, dtype, special)
        return base[tuple(slice(int(o), int(o + s * n), int(s)) for n, s, o in
                          zip(shape, steps, offs))]
    if kind == "transpose":
        perm = rng.permutation(nd)
        base = values(rng, [shape[p] for p in perm], dtype, special)
        return base.transpose(np.argsort(perm))
    if kind == "broadcast":
        bshape = [1 if rng.random() < 0.5 else n for n in shape]
        return np.broadcast_to(values(rng, bshape, dtype, special), shape)
    if kind == "mixed":  # sliced, flipped and transposed at once
        perm = rng.permutation(nd)
        tshape = [shape[p] for p in perm]
        big = [2 * n + 1 for n in tshape]
        base = values(rng, big, dtype, special)
        view = base[tuple(slice(2 * n - 1, None, -2) if rng.random() < 0.5 else
                          slice(1, 2 * n + 1, 2) for n in tshape)]
        return view.transpose(np.argsort(perm))
    if kind == "byteswap":
        return values(rng, shape, dtype, special).astype(np.dtype(dtype).newbyteorder())
    if kind == "unaligned":  # a packed structured field: strides not whole elements
        v = values(rng, shape, dtype, special)
        rec = np.zeros(shape, dtype=[("pad", "u1"), ("x", v.dtype)])
        rec["x"] = v
        return rec["x"]
    raise AssertionError(kind)


def scalar_spacing(rng):
    h = float(rng.uniform(0.1, 5.0)) * (1 if rng.random() < 0.8 else -1)
    form = rng.integers(6)
    if form == 0:
        return h
    if form == 1:
        return int(rng.integers(1, 6))
    if form == 2:
        return np.float64(h)
    if form == 3:
        return np.float32(h)
    if form == 4:
        return np.array(h)
    return 1.0


def coordinates(rng, n):
    form = rng.integers(9)
    if form == 0:  # random increasing
        return np.cumsum(rng.uniform(0.1, 2.0, n)) + rng.uniform(-5, 5)
    if form == 1:  # exactly uniform: numpy's scalar shortcut
        return np.arange(n) * 0.5 - 1.0
    if form == 2:  # integer coordinates (converted to float64 before diff)
        dt = rng.choice([np.int64, np.int32, np.int16, np.uint8, np.uint64])
        return np.cumsum(rng.integers(1, 4, n)).astype(dt)
    if form == 3:  # a Python list
        return [float(v) for v in np.cumsum(rng.uniform(0.5, 1.5, n))]
    if form == 4:  # not exactly uniform
        return np.linspace(0.0, 1.0, n)
    if form == 5:  # decreasing
        return -np.cumsum(rng.uniform(0.1, 2.0, n))
    if form == 6 and n >= 2:  # degenerate: a repeated coordinate gives inf/nan, as numpy
        x = np.cumsum(rng.uniform(0.1, 2.0, n))
        i = int(rng.integers(1, n))
        x[i] = x[i - 1]
        return x
    if form == 7:  # a negative-stride view
        return np.cumsum(rng.uniform(0.1, 2.0, n))[::-1].copy()[::-1]
    return np.cumsum(rng.uniform(0.1, 2.0, 2 * n))[::2]  # a strided view


def make_case(i):
    rng = np.random.default_rng([SEED, i])
    dtype = DTYPES[i % len(DTYPES)]
    kind = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
    special = np.dtype(dtype).kind in "fc" and rng.random() < 0.15
    edge_order = int(rng.integers(1, 3))
    nd = int(rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6])) if rng.random() < 0.97 else 0
    if nd == 0:
        kind = "C"

    # axis form
    form = rng.integers(6) if nd else 0
    if form <= 1:
        axis, axes = None, list(range(nd))
    elif form == 2:
        a = int(rng.integers(-nd, nd))
        axis, axes = a, [a % nd]
    else:
        k = int(rng.integers(0 if form == 5 else 1, nd + 1))
        axes = [int(a) for a in rng.permutation(nd)[:k]]
        given = [a - nd if rng.random() < 0.4 else a for a in axes]
        axis = tuple(given) if form != 4 else list(given)

    # shape: differentiated axes need edge_order + 1 samples, the others may be empty
    limit = 4000 if nd <= 2 else 1000
    shape = []
    for d in range(nd):
        lo = edge_order + 1 if d in axes else 0
        if rng.random() < 0.35:
            n = lo if d in axes else int(rng.integers(0, 2))
        else:
            n = int(rng.integers(max(lo, 1), 8 if nd > 2 else 40))
        shape.append(n)
    for _ in range(12):  # halve the largest dims (never below their minimum)
        if not nd or np.prod(shape) <= limit:
            break
        d = int(np.argmax(shape))
        shape[d] = max(shape[d] // 2, edge_order + 1 if d in axes else 0)

    # spacing form
    sform = rng.integers(4)
    if sform == 0 or not axes and sform != 1:
        varargs = ()
    elif sform == 1:
        varargs = (scalar_spacing(rng),)
    else:
        varargs = tuple(coordinates(rng, shape[a]) if rng.random() < 0.6
                        else scalar_spacing(rng) for a in axes)

    f = layout(rng, tuple(shape), dtype, kind, special)
    kwargs = {"edge_order": edge_order}
    if axis is not None or rng.random() < 0.2:
        kwargs["axis"] = axis
    desc = "case %d: dtype=%s shape=%s layout=%s strides=%s axis=%r edge_order=%d spacing=%r" % (
        i, np.dtype(dtype).name, tuple(shape), kind, f.strides, axis, edge_order, varargs)
    return rng, f, varargs, kwargs, desc


@pytest.mark.parametrize("i", range(NCASES))
def test_matches_numpy(i):
    rng, f, varargs, kwargs, desc = make_case(i)
    if f.dtype.newbyteorder("=") == np.float16:
        want = reference_half(f, *varargs, **kwargs)
    else:
        want = reference(f, *varargs, **kwargs)
    k = len(want)
    if f.ndim == 0:
        want = []  # numpy returns [] for a 0-d input: zero results

    out_form = rng.integers(4) if k else 0
    if out_form == 1:  # one stacked array
        out = np.full((k,) + f.shape, 7, dtype=want[0].dtype.newbyteorder("="))
        got = as_list(numgrad.gradient(f, *varargs, out=out, **kwargs))
        assert all(g.base is out or g is out for g in got), desc
        if k == 1:
            assert got[0].shape == f.shape
    elif out_form == 2:  # a tuple of arrays, some Fortran-ordered or strided
        out = []
        for w in want:
            dt = w.dtype.newbyteorder("=")
            if rng.random() < 0.5:
                out.append(np.asfortranarray(np.full(f.shape, 7, dtype=dt)))
            else:
                big = np.full(tuple(2 * n for n in f.shape), 7, dtype=dt)
                out.append(big[tuple(slice(None, None, 2) for _ in f.shape)][
                    tuple(slice(None, None, -1) for _ in f.shape)])
        res = numgrad.gradient(f, *varargs, out=tuple(out), **kwargs)
        got = as_list(res)
        assert all(g is o for g, o in zip(got, out)), desc
    else:
        got = as_list(numgrad.gradient(f, *varargs, **kwargs))
    if k != 1:
        assert isinstance(numgrad.gradient(f, *varargs, **kwargs), tuple)
    assert_same(got, want, desc)


def test_case_mix():
    """The generator covers every dtype, layout, form and rank it claims to."""
    seen = {"dtype": set(), "layout": set(), "ndim": set(), "edge": set()}
    for i in range(NCASES):
        _, f, varargs, kwargs, desc = make_case(i)
        seen["dtype"].add(f.dtype.newbyteorder("=").name)
        seen["layout"].add(desc.split("layout=")[1].split(" ")[0])
        seen["ndim"].add(f.ndim)
        seen["edge"].add(kwargs["edge_order"])
    assert len(seen["dtype"]) == len(DTYPES)
    assert seen["layout"] == set(LAYOUTS)
    assert seen["ndim"] == set(range(7))
    assert seen["edge"] == {1, 2}


def large_spacing(kind, n, rng):
    """The spacing of one axis of n samples for the large-output tests."""
    if kind == "unit":
        return 1.0  # a division by 2 done as a multiply
    if kind == "scalar":
        return 0.7  # a true division
    return np.cumsum(np.where(rng.random(n) < 0.3, 0.5, rng.uniform(0.01, 2.0, n)))


def placed(buf, offset, shape, order="C"):
    """An array of `shape` in buf, `offset` elements after the element 16 bytes past a
    64-byte boundary, where numpy's fresh large arrays start (an array in reused memory
    may start at 0, 16 or 32): outputs placed so share their alignment whatever the
    allocator's history. buf needs 16 bytes to spare."""
    start = (16 - buf.ctypes.data % 64) % 64 // buf.itemsize + offset
    return buf[start:start + int(np.prod(shape))].reshape(shape, order=order)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [((9 << 20) + 3,), (515, 2053), (41, 61, 1021)],
                         ids=["1d", "2d", "3d"])
@pytest.mark.parametrize("spacing", ["unit", "scalar", "coords"])
def test_large_at_every_alignment(dtype, shape, spacing):
    """Outputs large enough (8 MiB) for the kernel's streaming loops, written at each 8-,
    16- and 32-byte alignment (2-D and 3-D: an odd row length, so rows start at every
    alignment too) and over 1 and 2 threads: numpy's bits everywhere. The loops step to
    alignment with narrower vectors (SSE2, AVX2 up to AVX-512's 64 bytes) and finish rows
    through a staging buffer; a mistake in either shows at some offset. 3-D rows are
    short enough to be whole in a tile, so adjacent rows along an outer axis are written
    as one longer row, boundary positions of the middle axis apart."""
    rng = np.random.default_rng(SEED)
    shape = tuple(n // np.dtype(dtype).itemsize if len(shape) == 1 else n for n in shape)
    f = rng.standard_normal(shape).astype(dtype)
    varargs = [large_spacing(spacing, n, rng) for n in shape]
    size = f.size
    for edge_order in (1, 2):
        want = reference(f, *varargs, edge_order=edge_order)
        bufs = [np.empty(size + 16, dtype=dtype) for _ in want]
        for offset in range(4):
            for threads in (1, 2):
                out = tuple(placed(b, offset, shape) for b in bufs)
                for o in out:
                    o.fill(7)
                got = numgrad.gradient(f, *varargs, edge_order=edge_order,
                                       out=out if len(out) > 1 else out[0], threads=threads)
                assert_same(as_list(got), want, "offset %d, %d threads, edge_order %d"
                            % (offset, threads, edge_order))
        for threads in (1, 2):  # fresh outputs: pages mapped by the kernel first
            got = numgrad.gradient(f, *varargs, edge_order=edge_order, threads=threads)
            assert_same(as_list(got), want, "fresh output, %d threads, edge_order %d"
                        % (threads, edge_order))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spacing", ["scalar", "coordinates"])
@pytest.mark.parametrize("case", ["outputs at different alignments", "column blocks",
                                  "outer axes only", "an outer and the row axis",
                                  "a reversed outer axis", "2-D", "mixed spacings",
                                  "Fortran order"])
def test_large_lockstep(dtype, spacing, case):
    """2 or 3 streamed float outputs of rows are written in lockstep (element by element
    together), a stretch of adjacent whole rows at a time, the row axis's boundary columns
    patched into the loop's vectors: differences with a uniform spacing, weighted sums
    with coordinates (weights per row along the outer axes, per column along the row
    axis, float32 samples in float64). Every way out of that path and through it:
    numpy's bits. (test_large_at_every_alignment covers the plain 2-D and 3-D cases at
    each alignment.)"""
    rng = np.random.default_rng(SEED)
    shape, axis = (24, 29, 1013), None
    if case == "column blocks":  # rows longer than a tile's column block
        shape = (9, 31, 3001)
    if case == "2-D":
        shape = (601, 2003)
    if case == "an outer and the row axis":  # float32's two outputs streamed (8 MiB or more)
        shape = (36, 29, 1013)
    f = rng.standard_normal(shape).astype(dtype)
    if case == "a reversed outer axis":
        f = f[::-1]
    order = "F" if case == "Fortran order" else "C"  # outputs in the input's order
    if order == "F":
        f = np.asfortranarray(f)
    if case == "outer axes only":
        axis = (0, 1)
    if case == "an outer and the row axis":
        axis = (0, 2)
    dims = range(f.ndim) if axis is None else axis
    if spacing == "scalar":
        spacings = [(h,) for h in (1.0, 0.7)]  # a division done as a multiply, a true division
    else:  # irregular coordinates (with "mixed spacings", a scalar for the first axis)
        coords = [np.cumsum(rng.uniform(0.5, 1.5, shape[d])) for d in dims]
        if case == "mixed spacings":
            coords[0] = 0.7
        spacings = [tuple(coords)]
    for varargs in spacings:
        for edge_order in (1, 2):
            want = reference(f, *varargs, axis=axis, edge_order=edge_order)
            bufs = [np.empty(f.size + 16, dtype=dtype) for _ in dims]
            for threads in (1, 2):
                offsets = range(len(dims)) if case == "outputs at different alignments" else [0] * len(dims)
                out = tuple(placed(b, o, shape, order) for b, o in zip(bufs, offsets))
                for o in out:
                    o.fill(7)
                got = numgrad.gradient(f, *varargs, axis=axis, edge_order=edge_order, out=out,
                                       threads=threads)
                assert_same(as_list(got), want, "%s spacing, edge_order %d, %d threads"
                            % (spacing, edge_order, threads))


def extreme_samples(shape, dtype, rng):
    """Normal samples with sparse extremes: equal neighbours (differences of +0 and -0),
    subnormals, magnitudes from 2^-1074 to 2^1023 (differences that underflow, overflow
    or straddle the kernel's range for its fast exact division), infinities and nans."""
    f = rng.standard_normal(shape)
    flat = f.reshape(-1)
    n = flat.size
    at = lambda k: rng.integers(0, n, k)  # noqa: E731
    flat[at(n // 500)] = 0.0
    flat[at(n // 500)] = -0.0
    runs = at(200)  # runs of equal values: differences of exactly zero, both signs
    for s, v in zip(runs, rng.choice([0.0, -0.0, 1.5, -2.25], runs.size)):
        flat[s:s + 64] = v
    k = n // 1000
    flat[at(k)] = np.ldexp(rng.uniform(1, 2, k), rng.integers(-1074, 1024, k)) * rng.choice([-1, 1], k)
    flat[at(k)] = np.ldexp(rng.uniform(1, 2, k), rng.integers(-1074, -1000, k))
    flat[at(20)] = np.inf
    flat[at(20)] = -np.inf
    flat[at(20)] = np.nan
    if np.dtype(dtype).kind == "c":
        with np.errstate(invalid="ignore"):  # 1j * inf has a nan real part
            return (f + 1j * f[::-1].reshape(shape)).astype(dtype)
    return f.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("h", [0.7, -0.7, 3.0, 1e-300, 1e300, 2.0 ** -1030, 5e-324, 2.0 ** 1000])
def test_large_true_division_at_extremes(dtype, h):
    """A scalar spacing that is not a power of two is a true division. The float64
    streaming loop divides with a multiply and two fused multiply-adds (Markstein's
    correction), exact only away from overflow and underflow, and divides for real
    where a chunk leaves that range: numpy's bits everywhere, signed zeros included."""
    rng = np.random.default_rng(SEED)
    f = extreme_samples((1031, 1029), dtype, rng)  # 8 MiB per output: the streaming loops
    for edge_order in (1, 2):
        want = reference(f, h, edge_order=edge_order)
        for threads in (1, 2):
            got = numgrad.gradient(f, h, edge_order=edge_order, threads=threads)
            assert_same(as_list(got), want, "h=%r, %d threads, edge_order %d"
                        % (h, threads, edge_order))
