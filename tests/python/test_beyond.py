"""numgrad.gradient's options beyond numpy: boundary ('periodic', 'halo'), period, accuracy
4/6/8 and strict coordinates (issue 8), and the same options on numgrad.torch.gradient.

Oracles, never numgrad itself where numpy can answer: numpy.gradient on the array padded
with its wrapped ends (periodic), numpy.gradient on the whole array (a halo sub-array),
exact derivatives of polynomials and measured orders of convergence (accuracy)."""

import os
import re

import numpy as np
import pytest

import numgrad
from numgrad import _lib
from oracle import as_list, assert_same, mismatch, numpy_gradient

SENTINEL = -7.25


def stretched(rng, n, start=None):
    """n strictly increasing, unevenly spaced coordinates."""
    x = np.cumsum(rng.uniform(0.3, 1.7, n))
    return x + (rng.uniform(-5, 5) if start is None else start - x[0])


def noise(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-1000 if dtype.kind == "i" else 0, 1000, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


# --- the ABI -----------------------------------------------------------------------

def _header_fields(struct):
    header = os.path.join(os.path.dirname(__file__), "..", "..", "include", "numgrad.h")
    with open(header) as fh:
        text = fh.read()
    body = re.search(r"typedef struct %s \{(.*?)\} %s;" % (struct, struct), text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return re.findall(r"(\w+)\s*;", body)


def test_ctypes_structs_follow_the_header():
    assert [f[0] for f in _lib.NgOptions._fields_] == _header_fields("ng_options")
    assert [f[0] for f in _lib.NgBoundary._fields_] == _header_fields("ng_boundary")
    assert [f[0] for f in _lib.NgSpacing._fields_] == _header_fields("ng_spacing")
    assert [f[0] for f in _lib.NgArray._fields_] == _header_fields("ng_array")


def test_struct_size_is_sent(monkeypatch):
    # The library is told the whole (new) layout, so it reads accuracy and boundary.
    seen = []
    real = _lib.ng_gradient

    def spy(inp, opt, outs, k):
        o = opt._obj
        seen.append((o.struct_size, o.nboundary, o.accuracy, o.strict, o.reserved2))
        return real(inp, opt, outs, k)

    monkeypatch.setattr(_lib, "ng_gradient", spy)
    numgrad.gradient(np.arange(9.) ** 2, boundary="periodic", accuracy=4, strict=True)
    numgrad.gradient(np.arange(9.) ** 2)
    assert seen == [(_lib.ctypes.sizeof(_lib.NgOptions), 1, 4, 1, 0),
                    (_lib.ctypes.sizeof(_lib.NgOptions), 0, 2, 0, 0)]


# --- periodic: numpy.gradient on the wrapped padding --------------------------------

def wrapped_reference(f, spacings, axes, periodic, edge_order):
    """numpy.gradient of f padded with one wrapped sample per side along its periodic
    axes (coordinates continued by their period), cropped back to f's shape."""
    pad = [(0, 0)] * f.ndim
    args = []
    for a, p, s in zip(axes, periodic, spacings):
        if p:
            pad[a] = (1, 1)
        if isinstance(s, tuple):  # (coordinates, period)
            x, period = s
            if p:
                x = np.concatenate([[x[-1] - period], x, [x[0] + period]])
            args.append(x)
        elif s is not None:
            args.append(s)
    if len(args) != len(axes):
        args = []  # unit spacing everywhere
    padded = np.pad(f, pad, mode="wrap")
    crop = tuple(slice(1, -1) if pad[j][0] else slice(None) for j in range(f.ndim))
    return [g[crop] for g in numpy_gradient(padded, *args, axis=tuple(axes),
                                            edge_order=edge_order)]


def periodic_case(i):
    rng = np.random.default_rng(8000 + i)
    nd = 1 + i % 3
    shape = tuple(int(n) for n in rng.integers(3, 8, nd))
    dtype = [np.float64, np.complex128, np.int32, np.float64][i % 4]
    f = noise(rng, shape, dtype)
    axes = [a for a in range(nd) if nd == 1 or rng.random() < 0.8] or [nd - 1]
    rng.shuffle(axes)
    periodic = [bool(rng.random() < 0.7) for _ in axes]
    periodic[0] = True
    unit = rng.random() < 0.2
    spacings = []
    for a in axes:
        r = rng.random()
        if unit:
            spacings.append(None)
        elif r < 0.4:
            spacings.append(float(rng.uniform(0.1, 3)))
        elif r < 0.55:  # uniform coordinates: numpy's (and numgrad's) scalar shortcut
            spacings.append((np.arange(shape[a]) * 0.5 + 1.0, shape[a] * 0.5))
        else:
            x = stretched(rng, shape[a])
            spacings.append((x, float(x[-1] - x[0] + rng.uniform(0.3, 1.7))))
    return f, axes, periodic, spacings, 1 + i % 2


@pytest.mark.parametrize("i", range(48))
def test_periodic_equals_numpy_on_the_wrapped_padding(i):
    f, axes, periodic, spacings, eo = periodic_case(i)
    boundary = ["periodic" if p else "edge" for p in periodic]
    if len(boundary) == 2:  # two strings would be one (lower, upper) pair
        boundary = [(b, b) for b in boundary]
    periods = [s[1] if isinstance(s, tuple) and p else None
               for s, p in zip(spacings, periodic)]
    args = [] if spacings[0] is None else [s[0] if isinstance(s, tuple) else s
                                           for s in spacings]
    got = as_list(numgrad.gradient(f, *args, axis=tuple(axes), edge_order=eo,
                                   boundary=boundary, period=periods))
    assert_same(got, wrapped_reference(f, spacings, axes, periodic, eo), "case %d" % i)


def test_periodic_scalar_period_and_spacing_forms():
    rng = np.random.default_rng(1)
    f = rng.standard_normal((6, 7))
    x = stretched(rng, 6)
    L = x[-1] - x[0] + 0.9
    want = wrapped_reference(f, [(x, L), 0.4], [0, 1], [True, True], 1)
    # A scalar period goes to the periodic axes with coordinates only.
    assert_same(list(numgrad.gradient(f, x, 0.4, boundary="periodic", period=L)), want)
    assert_same(list(numgrad.gradient(f, x, 0.4, boundary="periodic", period=[L, None])), want)
    assert_same(list(numgrad.gradient(f, x, 0.4, boundary=("periodic", "periodic"),
                                      period=np.array([L, 0.0]))), want)
    # One scalar spacing for every axis, and unit spacing.
    assert_same(list(numgrad.gradient(f, 0.4, boundary="periodic")),
                wrapped_reference(f, [0.4, 0.4], [0, 1], [True, True], 1))
    assert_same(list(numgrad.gradient(f, boundary="periodic")),
                wrapped_reference(f, [None, None], [0, 1], [True, True], 1))
    # Per-axis modes in the order of axis.
    got = numgrad.gradient(f, 0.4, x, axis=(1, 0), boundary=["edge", ("periodic", "periodic")],
                           period=L)
    assert_same(list(got), wrapped_reference(f, [0.4, (x, L)], [1, 0], [False, True], 1))


def test_periodic_decreasing_coordinates():
    rng = np.random.default_rng(2)
    f = rng.standard_normal(9)
    x = stretched(rng, 9)[::-1].copy()
    L = -(x[0] - x[-1] + 0.6)  # x[n] = x[0] + L continues downwards
    got = numgrad.gradient(f, x, boundary="periodic", period=L, strict=True)
    assert mismatch(got, wrapped_reference(f, [(x, L)], [0], [True], 1)[0]) is None


# --- halo: a sub-array with ghost cells gives numpy's whole-array bits --------------

def halo_case(i):
    rng = np.random.default_rng(9000 + i)
    nd = 1 + i % 3
    shape = tuple(int(n) for n in rng.integers(4, 10, nd))
    dtype = [np.float64, np.complex128, np.int16, np.float64, np.uint8][i % 5]
    whole = noise(rng, shape, dtype)
    axes = [a for a in range(nd) if nd == 1 or rng.random() < 0.75] or [0]
    eo = 1 + (i // 3) % 2
    spacing = []
    for a in axes:
        r = rng.random()
        spacing.append(stretched(rng, shape[a]) if r < 0.5 else float(rng.uniform(0.2, 2))
                       if r < 0.8 else None)
    if any(s is None for s in spacing):
        spacing = []
    return rng, whole, axes, spacing, eo


def owned_box(rng, n, width, eo, differentiated):
    """(owned start, owned stop, lower ghosts, upper ghosts) of one axis of a box."""
    while True:
        a, b = sorted(int(v) for v in rng.integers(0, n + 1, 2))
        if b - a < 1:
            continue
        if not differentiated:
            return a, b, 0, 0
        lo = width if a > 0 else 0
        hi = width if b < n else 0
        if a - lo < 0 or b + hi > n:
            continue
        m = b - a + lo + hi
        if m >= (eo + 1 if lo == hi == 0 else 2 * width + 1):
            return a, b, lo, hi


@pytest.mark.parametrize("i", range(60))
def test_halo_sub_array_equals_numpy_on_the_whole_array(i):
    rng, whole, axes, spacing, eo = halo_case(i)
    want = numpy_gradient(whole, *spacing, axis=tuple(axes), edge_order=eo)
    for _ in range(3):
        box = [owned_box(rng, n, 1, eo, a in axes) for a, n in enumerate(whole.shape)]
        local = whole[tuple(slice(a - lo, b + hi) for a, b, lo, hi in box)]
        owned = tuple(slice(a, b) for a, b, _, _ in box)
        bounds = [("halo" if box[a][2] else "edge", "halo" if box[a][3] else "edge")
                  for a in axes]
        sp = [s if np.ndim(s) == 0 else s[box[a][0] - box[a][2]:box[a][1] + box[a][3]]
              for a, s in zip(axes, spacing)]
        got = as_list(numgrad.gradient(local, *sp, axis=tuple(axes), edge_order=eo,
                                       boundary=bounds if len(axes) != 2 else
                                       [tuple(b) for b in bounds]))
        assert_same(got, [w[owned] for w in want], "case %d box %s" % (i, box))


@pytest.mark.parametrize("accuracy", [4, 6, 8])
def test_halo_sub_array_at_higher_accuracy_equals_the_whole_array(accuracy):
    # No numpy oracle beyond accuracy 2: the whole array's result computed by numgrad
    # (its own accuracy tests below check those numbers) must come back bit for bit.
    rng = np.random.default_rng(accuracy)
    whole = rng.standard_normal((30, 23))
    x = stretched(rng, 23)
    want = numgrad.gradient(whole, 0.7, x, accuracy=accuracy)
    w = accuracy // 2
    for _ in range(6):
        box = [owned_box(rng, n, w, 1, True) for n in whole.shape]
        local = whole[tuple(slice(a - lo, b + hi) for a, b, lo, hi in box)]
        bounds = [("halo" if lo else "edge", "halo" if hi else "edge") for _, _, lo, hi in box]
        a1, b1, lo1, hi1 = box[1]
        got = numgrad.gradient(local, 0.7, x[a1 - lo1:b1 + hi1], accuracy=accuracy,
                               boundary=bounds)
        owned = tuple(slice(a, b) for a, b, _, _ in box)
        assert_same(list(got), [g[owned] for g in want], "box %s" % (box,))


def test_halo_trims_only_differentiated_axes():
    f = np.arange(60.).reshape(3, 4, 5) ** 2
    assert [g.shape for g in numgrad.gradient(f, boundary="halo")] == [(1, 2, 3)] * 3
    assert numgrad.gradient(f, axis=1, boundary="halo").shape == (3, 2, 5)
    assert numgrad.gradient(f, axis=1, boundary=("edge", "halo")).shape == (3, 3, 5)
    assert [g.shape for g in numgrad.gradient(f, axis=(2, 0), boundary=[("halo", "edge"),
                                                                           "edge"])] == \
        [(3, 4, 4)] * 2
    g = numgrad.gradient(np.arange(25.).reshape(5, 5), boundary="halo", accuracy=4)
    assert [r.shape for r in g] == [(1, 1)] * 2  # 2 ghost cells per side at accuracy 4
    # The results keep the input's memory layout (Fortran here), as without halos.
    g = numgrad.gradient(np.asfortranarray(f), boundary="halo")
    assert all(r.flags.f_contiguous for r in g)


def test_halo_with_periodic_on_another_axis():
    rng = np.random.default_rng(5)
    whole = rng.standard_normal((8, 9))
    want = wrapped_reference(whole, [0.5, 0.25], [0, 1], [False, True], 2)
    got = numgrad.gradient(whole[2:7], 0.5, 0.25, edge_order=2,
                           boundary=[("halo", "halo"), "periodic"])
    assert_same(list(got), [w[3:6] for w in want])


# --- out= with halos ----------------------------------------------------------------

def test_out_with_halos():
    f = np.arange(42.).reshape(6, 7) ** 2
    want = [w[1:-1, 1:] for w in numpy_gradient(f)]
    out = np.full((2, 4, 6), SENTINEL)
    got = numgrad.gradient(f, out=out, boundary=[("halo", "halo"), ("halo", "edge")])
    assert got[0].base is out and got[1].base is out
    assert_same(list(out), want)
    outs = (np.full((4, 6), SENTINEL), np.full((6, 4), SENTINEL).T)
    got = numgrad.gradient(f, out=outs, boundary=[("halo", "halo"), ("halo", "edge")])
    assert got[0] is outs[0] and got[1] is outs[1]
    assert_same(list(outs), want)
    one = np.full((6, 5), SENTINEL)
    assert numgrad.gradient(f, axis=1, out=one, boundary="halo") is one
    assert mismatch(one, numpy_gradient(f, axis=1)[0][:, 1:-1]) is None


@pytest.mark.parametrize("out_shape, pattern", [
    ((2, 6, 7), r"outputs\[0\]\.shape\[0\] is 6 but must be 4: input->shape\[0\] is 6, "
                r"less its halo"),
    ((2, 4, 7), r"outputs\[0\]\.shape\[1\] is 7 but must be 6"),
    ((3, 4, 6), r"noutputs is 3 but 2"),
])
def test_out_with_halos_has_the_trimmed_shape(out_shape, pattern):
    f = np.arange(42.).reshape(6, 7)
    out = np.full(out_shape, SENTINEL)
    with pytest.raises(ValueError, match=pattern):
        numgrad.gradient(f, out=out, boundary=["halo", ("halo", "edge")])
    assert (out == SENTINEL).all()


def test_out_with_halos_bare_array_message():
    f = np.arange(42.).reshape(6, 7)
    with pytest.raises(ValueError, match=r"2 arrays of shape \(4, 6\) or one array of "
                                         r"shape \(2, 4, 6\)"):
        numgrad.gradient(f, out=np.full((4, 6), SENTINEL),
                         boundary=["halo", ("halo", "edge")])


def test_float16_with_halos():
    f = (np.arange(30.).reshape(5, 6) ** 2 / 7).astype(np.float16)
    want = [w[1:-1, 1:-1].astype(np.float16) for w in numpy_gradient(f.astype(np.float32))]
    assert_same(list(numgrad.gradient(f, boundary="halo")), want)
    out = np.full((2, 3, 4), SENTINEL, np.float16)
    numgrad.gradient(f, boundary="halo", out=out)
    assert_same(list(out), want)
    bad = (np.full((3, 4), SENTINEL, np.float16), np.full((5, 6), SENTINEL, np.float16))
    with pytest.raises(ValueError, match=r"out\[1\] has shape \(5, 6\) but must be \(3, 4\)"):
        numgrad.gradient(f, boundary="halo", out=bad)
    assert (bad[0] == SENTINEL).all()


# --- accuracy 4, 6, 8 ---------------------------------------------------------------

@pytest.mark.parametrize("accuracy", [4, 6, 8])
@pytest.mark.parametrize("grid", ["uniform", "stretched"])
def test_accuracy_is_exact_on_polynomials(accuracy, grid):
    # A stencil of order p differentiates polynomials of degree p exactly, edges included.
    rng = np.random.default_rng(accuracy)
    n = 14
    x = np.arange(n) * 0.25 - 1.0 if grid == "uniform" else stretched(rng, n, -1.0) / 4
    c = rng.uniform(-1, 1, accuracy + 1)  # a degree-p polynomial, p = accuracy
    f = np.polyval(c, x)
    exact = np.polyval(np.polyder(c), x)
    args = (0.25,) if grid == "uniform" else (x,)
    got = numgrad.gradient(f, *args, accuracy=accuracy)
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-9 * (1 + np.abs(exact).max()))
    # Along one axis of a 2-D array (the other axis: the same polynomial's samples).
    f2 = f[:, None] * np.ones(3)
    got = numgrad.gradient(f2, *args, axis=0, accuracy=accuracy)
    np.testing.assert_allclose(got, exact[:, None] * np.ones(3), rtol=0,
                               atol=1e-9 * (1 + np.abs(exact).max()))


def _max_error(accuracy, n, grid, periodic):
    """Max error of the derivative of sin(6x) + cos(5x) on [0, 1.5] (edges) or of
    sin(x) + cos(2x) over one period [0, 2 pi) (periodic), on n samples."""
    L = 2 * np.pi if periodic else 1.5
    s = np.arange(n) / (n if periodic else n - 1)
    if grid == "stretched":
        s = s - 0.3 * np.sin(2 * np.pi * s) / (2 * np.pi)
    x = L * s
    if periodic:
        f, exact = np.sin(x) + np.cos(2 * x), np.cos(x) - 2 * np.sin(2 * x)
        g = numgrad.gradient(f, x, accuracy=accuracy, boundary="periodic", period=L)
    else:
        f, exact = np.sin(6 * x) + np.cos(5 * x), 6 * np.cos(6 * x) - 5 * np.sin(5 * x)
        g = numgrad.gradient(f, x, accuracy=accuracy, edge_order=2)
    return np.abs(g - exact).max(), np.diff(x).max()


# Coarse grids (then twice as fine) in the asymptotic range, errors far above rounding.
COARSE = {(False, "uniform"): [64, 64, 96, 96], (False, "stretched"): [64, 64, 96, 48],
          (True, "uniform"): [32, 32, 48, 48], (True, "stretched"): [32, 32, 48, 48]}


@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
@pytest.mark.parametrize("grid", ["uniform", "stretched"])
@pytest.mark.parametrize("periodic", [False, True], ids=["edges", "periodic"])
def test_accuracy_converges_at_its_order(accuracy, grid, periodic):
    n = COARSE[(periodic, grid)][accuracy // 2 - 1]
    e1, h1 = _max_error(accuracy, n, grid, periodic)
    e2, h2 = _max_error(accuracy, 2 * n, grid, periodic)
    order = np.log(e1 / e2) / np.log(h1 / h2)
    assert abs(order - accuracy) <= 0.2, "measured order %.3f (errors %.3g, %.3g)" % (
        order, e1, e2)


def test_accuracy_2_is_numpy():
    rng = np.random.default_rng(3)
    f = rng.standard_normal((5, 6))
    x = stretched(rng, 6)
    for eo in (1, 2):
        assert_same(list(numgrad.gradient(f, 0.3, x, edge_order=eo, accuracy=2)),
                    numpy_gradient(f, 0.3, x, edge_order=eo))
        assert_same(list(numgrad.gradient(f, 0.3, x, edge_order=eo, accuracy=np.int64(2))),
                    numpy_gradient(f, 0.3, x, edge_order=eo))


@pytest.mark.parametrize("dtype", [np.float32, np.complex128, np.int64])
def test_accuracy_dtypes(dtype):
    # Result dtypes as at accuracy 2; the numbers close to the float64 computation's
    # (float32 arithmetic with a uniform spacing, as at accuracy 2; integers in float64).
    rng = np.random.default_rng(4)
    f = noise(rng, (12, 9), dtype)
    wide = f.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64)
    for acc in (4, 8):
        got = numgrad.gradient(f, 0.5, accuracy=acc)
        want = numgrad.gradient(wide, 0.5, accuracy=acc)
        for g, w in zip(got, want):
            assert g.dtype == (np.float64 if np.dtype(dtype).kind == "i" else dtype)
            np.testing.assert_allclose(g, w.astype(g.dtype), rtol=2e-6, atol=1e-4)


# --- strict coordinates -------------------------------------------------------------

F6 = np.array([1., 4, 2, 8, 5, 7])
X_OK = np.arange(6.)

STRICT = [
    ("repeated coordinates", (np.array([0., 1, 1, 2, 3, 4]),), {},
     r"coords are not strictly monotonic: coords\[1\] = 1, coords\[2\] = 1"),
    ("nan coordinate", (np.array([0., 1, np.nan, 3, 4, 5]),), {}, r"coords\[2\] is nan"),
    ("inf coordinate", (np.array([0., 1, 2, 3, 4, np.inf]),), {}, r"coords\[5\] is inf"),
    ("turning coordinates", (np.array([0., 1, 2, 1.5, 4, 5]),), {},
     r"coords\[2\] = 2, coords\[3\] = 1.5"),
    ("zero spacing", (0.0,), {}, r"spacing\[0\]\.h is 0"),
    ("inf spacing", (np.inf,), {}, r"spacing\[0\]\.h is inf"),
    ("nan spacing", (np.nan,), {}, r"spacing\[0\]\.h is nan"),
    ("backwards period", (X_OK,), {"boundary": "periodic", "period": -1.0},
     r"boundary\[0\]\.period is -1"),
    ("too short a period", (X_OK,), {"boundary": "periodic", "period": 5.0},
     r"period is 5: x\[0\] \+ period = 5 does not continue"),
    ("nan period", (X_OK,), {"boundary": "periodic", "period": np.nan}, r"period is nan"),
]


@pytest.mark.parametrize("name, args, kwargs, pattern", STRICT, ids=[c[0] for c in STRICT])
def test_strict_rejects(name, args, kwargs, pattern):
    out = np.full(6, SENTINEL)
    with pytest.raises(ValueError, match=pattern) as info:
        numgrad.gradient(F6, *args, strict=True, out=out, **kwargs)
    assert info.value.status_name == "NG_ERR_COORDINATES" and info.value.status == 22
    assert (out == SENTINEL).all()
    # Without strict: numpy's silent numbers (inf, nan, or finite nonsense).
    got = numgrad.gradient(F6, *args, **kwargs)
    if "boundary" not in kwargs:
        assert mismatch(got, numpy_gradient(F6, *args)[0]) is None


def test_strict_accepts_good_coordinates():
    f = np.arange(30.).reshape(5, 6) ** 2
    for args in [(), (0.5,), (-2.0, 1e-300), (np.arange(5.) ** 2, -np.arange(6.))]:
        assert_same(list(numgrad.gradient(f, *args, strict=True)), numpy_gradient(f, *args))
    assert_same(list(numgrad.gradient(f, strict=np.True_)), numpy_gradient(f))
    assert_same(list(numgrad.gradient(f, 0.0, strict=False)), numpy_gradient(f, 0.0))


def test_strict_checks_the_differentiated_axes_only():
    f = np.arange(30.).reshape(5, 6)
    got = numgrad.gradient(f, np.array([0., 1, 2, 3, 4, 5]), axis=1, strict=True)
    assert mismatch(got, numpy_gradient(f, axis=1)[0]) is None


# --- bad values ---------------------------------------------------------------------

F = np.arange(42.).reshape(6, 7) ** 2

BAD = [
    # (name, args, kwargs, exception, message, status_name or None when Python finds it)
    ("unknown mode", (), {"boundary": "wrap"}, ValueError,
     r"boundary is 'wrap'; it must be 'edge', 'periodic' or 'halo'", None),
    ("mode case", (), {"boundary": "Periodic"}, ValueError, r"boundary is 'Periodic'", None),
    ("mode not a string", (), {"boundary": 1}, TypeError,
     r"boundary must be 'edge', 'periodic', 'halo', a \(lower, upper\) pair", None),
    ("mode None", (), {"boundary": None}, TypeError, r"not NoneType", None),
    ("bad per-axis mode", (), {"boundary": ["edge", ("halo", "wrap")]}, ValueError,
     r"boundary\[1\]\[1\] is 'wrap'", None),
    ("per-axis entry not a mode", (), {"boundary": [("halo",), "edge"]}, TypeError,
     r"boundary\[0\] must be 'edge', 'periodic', 'halo' or a \(lower, upper\) pair", None),
    ("per-axis entry a number", (), {"boundary": [0, "edge"]}, TypeError,
     r"boundary\[0\] must be", None),
    ("too many per-axis entries", (), {"boundary": ["edge", "halo", "edge"]}, ValueError,
     r"boundary has 3 entries but 2 axes are differentiated", None),
    ("too few per-axis entries", (), {"boundary": [("halo", "halo")], "axis": (0, 1)},
     ValueError, r"boundary has 1 entries but 2", None),
    ("periodic on one side (pair)", (), {"boundary": ("periodic", "edge")}, ValueError,
     r"'periodic' must be both the lower and the upper boundary; two strings are one "
     r"\(lower, upper\) pair for every axis: for one boundary per axis give pairs, e\.g\. "
     r"\[\('periodic', 'periodic'\), \('edge', 'edge'\)\]", None),
    ("periodic on one side (per axis)", (), {"boundary": [("halo", "periodic"), "edge"]},
     ValueError, r"boundary\[0\] is \('halo', 'periodic'\): periodic samples wrap around "
                 r"both sides", None),
    ("periodic coordinates without period", (np.arange(6.), 1.0), {"boundary": "periodic"},
     ValueError, r"options->boundary\[0\] is periodic over coordinates but has no period",
     "NG_ERR_BOUNDARY"),
    ("period without periodic coordinates", (), {"boundary": "periodic", "period": 6.0},
     ValueError, r"period is 6.0 but no differentiated axis is periodic over coordinates",
     None),
    ("period on an edge axis", (np.arange(6.), 1.0), {"period": 6.0}, ValueError,
     r"no differentiated axis is periodic over coordinates", None),
    ("per-axis period on a scalar spacing", (np.arange(6.), 1.0),
     {"boundary": "periodic", "period": [6.0, 7.0]}, ValueError,
     r"options->boundary\[1\]\.period is 7, but only periodic coordinates take a period",
     "NG_ERR_BOUNDARY"),
    ("period list length", (np.arange(6.), 1.0), {"boundary": "periodic", "period": [6.0]},
     ValueError, r"period has 1 entries but 2 axes", None),
    ("complex period", (np.arange(6.), 1.0), {"boundary": "periodic", "period": 6j},
     TypeError, r"period is complex", None),
    ("string period", (np.arange(6.), 1.0), {"boundary": "periodic", "period": "6"},
     TypeError, r"period must be a real number or None, not str", None),
    ("string period entry", (np.arange(6.), 1.0), {"boundary": "periodic",
                                                   "period": ["6", None]},
     TypeError, r"period\[0\] must be a real number", None),
    ("accuracy 3", (), {"accuracy": 3}, ValueError, r"options->accuracy is 3; it must be 2, "
                                                     r"4, 6 or 8", "NG_ERR_ACCURACY"),
    ("accuracy 10", (), {"accuracy": 10}, ValueError, r"accuracy is 10", "NG_ERR_ACCURACY"),
    ("accuracy -2", (), {"accuracy": -2}, ValueError, r"accuracy is -2", "NG_ERR_ACCURACY"),
    ("accuracy 0", (), {"accuracy": 0}, ValueError, r"accuracy is 0; it must be 2, 4, 6 or 8",
     None),
    ("accuracy huge", (), {"accuracy": 2 ** 40}, ValueError, r"accuracy is 1099511627776",
     None),
    ("accuracy float", (), {"accuracy": 4.0}, TypeError,
     r"accuracy must be an integer \(2, 4, 6 or 8\), not float", None),
    ("accuracy string", (), {"accuracy": "4"}, TypeError, r"not str", None),
    ("accuracy 8 on 6 samples", (), {"accuracy": 8}, ValueError,
     r"dim 0 has 6 samples; accuracy 8 with its boundaries needs at least 9",
     "NG_ERR_TOO_FEW_POINTS"),
    ("halo on too few samples", (), {"boundary": ["halo", "edge"], "accuracy": 6,
                                     "axis": (1, 0)},
     ValueError, r"dim 0 has 6 samples; accuracy 6", "NG_ERR_TOO_FEW_POINTS"),
    ("strict string", (), {"strict": "yes"}, TypeError, r"strict must be True or False, not str",
     None),
    ("strict float", (), {"strict": 1.0}, TypeError, r"not float", None),
]


@pytest.mark.parametrize("name, args, kwargs, exc, pattern, status", BAD,
                         ids=[c[0] for c in BAD])
def test_bad_values(name, args, kwargs, exc, pattern, status):
    out = np.full((2,) + F.shape, SENTINEL)
    with pytest.raises(exc, match=pattern) as info:
        numgrad.gradient(F, *args, **kwargs)
    if status is not None:
        assert info.value.status_name == status
    else:
        assert info.value.status is None and info.value.status_name is None
    with pytest.raises(exc):
        numgrad.gradient(F, *args, out=out, **kwargs)
    assert (out == SENTINEL).all()


def test_axis_errors_come_first_from_the_library():
    # A valid boundary with a bad axis: numpy's AxisError, as without the new options.
    with pytest.raises(numgrad.AxisError):
        numgrad.gradient(F, axis=3, boundary="halo")


# --- the README's example ----------------------------------------------------------

def test_readme_example_runs(capsys):
    readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
    with open(readme) as fh:
        blocks = [b for b in re.findall(r"```python\n(.*?)```", fh.read(), re.S)
                  if "strict=True" in b]
    assert len(blocks) == 1
    exec(compile(blocks[0], readme + " (beyond numpy example)", "exec"),
         {"__name__": "readme_beyond_example"})
    assert "not strictly monotonic" in capsys.readouterr().out


# --- numgrad.torch.gradient ---------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_torch_options_match_numgrad_gradient(torch):
    import numgrad.torch as nt
    rng = np.random.default_rng(6)
    f = rng.standard_normal((9, 10))
    x = stretched(rng, 10)
    L = x[-1] - x[0] + 0.8
    t = torch.from_numpy(f)
    cases = [
        ({"boundary": "periodic"}, {"spacing": 0.5}, (0.5,)),
        ({"boundary": [("halo", "edge"), "periodic"], "period": L},
         {"spacing": [torch.tensor(np.arange(9.)), torch.from_numpy(x)]}, (np.arange(9.), x)),
        ({"boundary": "halo", "accuracy": 4}, {}, ()),
        ({"accuracy": 6, "strict": True}, {"spacing": [2.0, 0.5]}, (2.0, 0.5)),
        ({"boundary": ("edge", "halo"), "accuracy": 8}, {"dim": 1}, ()),
    ]
    for kw, tkw, args in cases:
        got = nt.gradient(t, **tkw, **kw)
        axis = tkw.get("dim")
        want = as_list(numgrad.gradient(f, *args, axis=axis, **kw))
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert g.dtype == torch.float64
            assert mismatch(g.numpy(), w) is None, kw


def test_torch_split_by_result_dtype_with_halos(torch):
    # float32 input with float64 coordinates on dim 0 and float32 ones on dim 1: two
    # result dtypes, so two library calls; each result is cut by every dim's halos.
    import numgrad.torch as nt
    rng = np.random.default_rng(7)
    f = rng.standard_normal((8, 9)).astype(np.float32)
    x0 = stretched(rng, 8)
    x1 = stretched(rng, 9).astype(np.float32)
    bounds = [("halo", "edge"), ("halo", "halo")]
    g0, g1 = nt.gradient(torch.from_numpy(f), spacing=[torch.from_numpy(x0),
                                                       torch.from_numpy(x1)],
                         boundary=bounds)
    assert (g0.dtype, g1.dtype) == (torch.float64, torch.float32)
    assert g0.shape == g1.shape == (7, 7)
    assert mismatch(g0.numpy(), numgrad.gradient(f.astype(np.float64), x0, x1,
                                                 boundary=bounds)[0]) is None
    assert mismatch(g1.numpy(), numgrad.gradient(f, x0, x1, boundary=bounds)[1]) is None


def test_torch_results_and_layout(torch):
    import numgrad.torch as nt
    t = torch.arange(60.).reshape(3, 4, 5) ** 2
    g = nt.gradient(t, boundary="halo")
    assert [r.shape for r in g] == [(1, 2, 3)] * 3
    tt = t.permute(2, 1, 0)  # a transposed view: results ordered like it in memory
    g = nt.gradient(tt, dim=0, boundary="halo")
    assert g[0].shape == (3, 4, 3) and g[0].stride() == (1, 3, 12)
    want = numgrad.gradient(tt.numpy(), axis=0, boundary="halo")
    assert mismatch(g[0].numpy(), want) is None
    g = nt.gradient(torch.arange(12, dtype=torch.int16) ** 2, boundary="periodic", period=None)
    assert g[0].dtype == torch.float32  # torch's result dtype for integers
    h = nt.gradient(torch.arange(12.).half(), boundary=("halo", "edge"), accuracy=4)
    assert h[0].dtype == torch.float16 and h[0].shape == (10,)


TORCH_BAD = [
    ("unknown mode", {"boundary": "wrap"}, RuntimeError,
     r"numgrad.torch.gradient: boundary is 'wrap'"),
    ("mode not a string", {"boundary": 3}, TypeError, r"boundary must be"),
    ("periodic one side", {"boundary": ("periodic", "halo")}, RuntimeError,
     r"'periodic' must be both"),
    ("per-axis count", {"boundary": ["edge", "edge", "halo"]}, RuntimeError,
     r"boundary has 3 entries but 2"),
    ("period without coordinates", {"boundary": "periodic", "period": 2.0}, RuntimeError,
     r"no differentiated axis is periodic over coordinates"),
    ("accuracy 5", {"accuracy": 5}, RuntimeError, r"options->accuracy is 5"),
    ("accuracy 0", {"accuracy": 0}, RuntimeError, r"accuracy is 0"),
    ("accuracy float", {"accuracy": 2.5}, TypeError, r"accuracy must be an integer"),
    ("strict", {"strict": "no"}, TypeError, r"strict must be True or False"),
    ("strict zero spacing", {"strict": True, "spacing": 0.0}, RuntimeError,
     r"spacing\[0\]\.h is 0; strict mode"),
    ("too few for accuracy", {"accuracy": 8}, RuntimeError, r"accuracy 8 with its boundaries"),
]


@pytest.mark.parametrize("name, kw, exc, pattern", TORCH_BAD, ids=[c[0] for c in TORCH_BAD])
def test_torch_bad_values(torch, name, kw, exc, pattern):
    import numgrad.torch as nt
    t = torch.arange(42.).reshape(6, 7)
    with pytest.raises(exc, match=pattern):
        nt.gradient(t, **kw)
    if "spacing" not in kw and "period" not in kw:  # also when split by result dtype
        with pytest.raises(exc, match=pattern):
            nt.gradient(t.float(), spacing=[torch.arange(6.).double(), torch.arange(7.).float()],
                        **kw)


def test_torch_periodic_coordinates_need_a_period(torch):
    import numgrad.torch as nt
    with pytest.raises(RuntimeError, match=r"periodic over coordinates but has no period"):
        nt.gradient(torch.arange(42.).reshape(6, 7), boundary="periodic",
                    spacing=[torch.arange(6.), torch.arange(7.)])


def test_torch_period_as_tensor(torch):
    import numgrad.torch as nt
    x = torch.tensor([0., 1., 2.5, 3., 4.5])
    f = torch.sin(x)
    a = nt.gradient(f, spacing=[x], boundary="periodic", period=torch.tensor(6.0))
    b = nt.gradient(f, spacing=[x], boundary="periodic", period=[6.0])
    c = numgrad.gradient(f.numpy(), x.numpy(), boundary="periodic", period=6.0)
    assert mismatch(a[0].numpy(), c) is None and mismatch(b[0].numpy(), c) is None
