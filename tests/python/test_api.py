"""numgrad.gradient's interface: argument and return forms, out=, threads, layouts
without copies, the float16/float32 rules and the documented differences from numpy."""

import threading

import numpy as np
import pytest

import numgrad
from numgrad import _lib
from oracle import as_list, assert_same, mismatch, numpy_gradient, reference


# --- reference values (SEMANTICS.md, hand-checked) ---------------------------------

T = np.array([[1, 2, 4, 8], [10, 20, 40, 80]])


@pytest.mark.parametrize("args, kwargs, want", [
    ((np.array([4., 1, 1, 16]), np.array([-2., -1, 1, 4])), {}, [[-3, -2, 2, 5]]),
    ((T,), {}, [[[9, 18, 36, 72], [9, 18, 36, 72]], [[1, 1.5, 3, 4], [10, 15, 30, 40]]]),
    ((T, 2.0), {}, [[[4.5, 9, 18, 36], [4.5, 9, 18, 36]],
                    [[0.5, 0.75, 1.5, 2], [5, 7.5, 15, 20]]]),
    ((T, 3., 2.), {}, [[[3, 6, 12, 24], [3, 6, 12, 24]],
                       [[0.5, 0.75, 1.5, 2], [5, 7.5, 15, 20]]]),
    ((T, [0, 2], [0, 3, 6, 9]), {}, [[[4.5, 9, 18, 36], [4.5, 9, 18, 36]],
                                     [[1 / 3, 0.5, 1, 4 / 3], [10 / 3, 5, 10, 40 / 3]]]),
    ((T,), {"axis": 1}, [[[1, 1.5, 3, 4], [10, 15, 30, 40]]]),
    ((np.array([0, 0.25, 1, 2.25]), 0.5), {}, [[0.5, 1, 2, 2.5]]),
    ((np.array([1., 2, 4, 7, 11, 16]), np.array([0, 1, 1.5, 3.5, 4, 6])), {},
     [[1, 3, 3.5, 6.7, 6.9, 2.5]]),
    ((np.array([1., 2, 4, 7, 11, 16]), np.array([0, 1, 1.5, 3.5, 4, 6])), {"edge_order": 2},
     [[-1, 3, 3.5, 6.7, 6.9, -1.9]]),
    ((np.array([-100, 100, -100], dtype=np.int8),), {}, [[200, 0, -200]]),
    ((np.array([5, 4, 3, 2, 1], dtype=np.uint8),), {}, [[-1, -1, -1, -1, -1]]),
    ((np.array([0., 1, 1, 4]), np.array([0., 1, 1, 2])), {}, [[1, np.nan, np.nan, 3]]),
])
def test_reference_values(args, kwargs, want):
    with np.errstate(all="ignore"):
        got = as_list(numgrad.gradient(*args, **kwargs))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, np.array(w, dtype=float), rtol=1e-14, atol=0)


def test_degenerate_coordinates_like_numpy():
    # Repeated coordinates are not an error: the same inf/nan as numpy, both edge orders.
    f = np.array([[0., 1, 1, 4, 9], [1, 2, 3, 4, 5]])
    x = np.array([0., 1, 1, 2, 2])
    for eo in (1, 2):
        with np.errstate(all="ignore"):
            got = numgrad.gradient(f, x, axis=1, edge_order=eo)
        assert mismatch(got, numpy_gradient(f, x, axis=1, edge_order=eo)[0]) is None


# --- return forms ------------------------------------------------------------------

def test_return_forms():
    f = np.arange(24.).reshape(2, 3, 4) ** 2
    assert isinstance(numgrad.gradient(f, axis=1), np.ndarray)
    assert isinstance(numgrad.gradient(f, axis=(1,)), np.ndarray)  # numpy: one array too
    r = numgrad.gradient(f)
    assert isinstance(r, tuple) and len(r) == 3
    r = numgrad.gradient(f, axis=[2, 0])
    assert isinstance(r, tuple) and len(r) == 2
    assert_same(list(r), numpy_gradient(f, axis=[2, 0]))
    assert numgrad.gradient(f, axis=()) == ()
    assert numgrad.gradient(f, 2.0, axis=()) == ()
    assert numpy_gradient(f, axis=()) == []


def test_zero_d_input_gives_no_results():
    assert numpy_gradient(np.array(3.0)) == []  # numpy: an empty list
    assert numgrad.gradient(np.array(3.0)) == ()
    assert numgrad.gradient(5) == ()
    assert numgrad.gradient(np.array(3.0), 2.0) == ()
    assert numgrad.gradient(np.array(3.0), out=()) == ()


def test_empty_dims_not_differentiated():
    f = np.zeros((0, 5, 3))
    got = numgrad.gradient(f, axis=(1, 2))
    assert [g.shape for g in got] == [(0, 5, 3)] * 2
    assert_same(list(got), numpy_gradient(f, axis=(1, 2)))


def test_list_input_and_python_scalars():
    assert_same(as_list(numgrad.gradient([1, 2, 4, 8], 2)),
                numpy_gradient([1, 2, 4, 8], 2))
    assert_same(as_list(numgrad.gradient([[1, 2], [4, 8.5]], 1, [0, 3])),
                numpy_gradient([[1, 2], [4, 8.5]], 1, [0, 3]))


def test_spacing_forms():
    rng = np.random.default_rng(5)
    f = rng.standard_normal((4, 5, 6))
    x1 = np.cumsum(rng.uniform(0.1, 1, 5))
    forms = [
        ((), {}),
        ((0.5,), {}),
        ((np.float32(0.5),), {}),
        ((np.array(0.5),), {}),
        ((2,), {}),
        ((1.5, x1, 3), {}),
        ((x1,), {"axis": 1}),
        ((x1.tolist(),), {"axis": -2}),
        ((x1.astype(np.float32).astype(np.float64), 2.0), {"axis": (1, 0)}),
        ((np.arange(5), np.arange(6) * 2), {"axis": (1, 2)}),
        ((np.array([3.0]) * np.ones(6), 0.5), {"axis": (2, 0)}),  # duplicates: inf/nan
    ]
    for args, kwargs in forms:
        for eo in (1, 2):
            with np.errstate(all="ignore"):
                got = as_list(numgrad.gradient(f, *args, edge_order=eo, **kwargs))
            assert_same(got, reference(f, *args, edge_order=eo, **kwargs), repr((args, kwargs)))


def test_python_int_spacing_beyond_int64():
    f = np.arange(5.) ** 2
    assert_same(as_list(numgrad.gradient(f, 2 ** 70)), numpy_gradient(f, 2 ** 70))


def test_coordinate_array_of_length_one_is_coordinates():
    # A coordinate array is always coordinates: with one sample there is no gradient.
    with pytest.raises(ValueError):
        numgrad.gradient(np.ones((1, 3)), [0.0], 1.0)


def test_edge_order_integral_float_accepted():
    f = np.arange(10.) ** 3
    assert_same(as_list(numgrad.gradient(f, edge_order=2.0)),
                numpy_gradient(f, edge_order=2))
    assert_same(as_list(numgrad.gradient(f, edge_order=np.int64(2))),
                numpy_gradient(f, edge_order=2))


# --- dtypes ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, result", [
    (np.float16, np.float16), (np.float32, np.float32), (np.float64, np.float64),
    (np.complex64, np.complex64), (np.complex128, np.complex128),
    (np.int8, np.float64), (np.int16, np.float64), (np.int32, np.float64),
    (np.int64, np.float64), (np.uint8, np.float64), (np.uint16, np.float64),
    (np.uint32, np.float64), (np.uint64, np.float64),
    (np.intc, np.float64), (np.longlong, np.float64), (np.ulonglong, np.float64),
])
def test_result_dtypes(dtype, result):
    f = (np.arange(12) % 5).astype(dtype).reshape(3, 4)
    got = numgrad.gradient(f)
    assert [g.dtype for g in got] == [np.dtype(result)] * 2
    assert [g.dtype for g in numpy_gradient(f)] == [np.dtype(result)] * 2  # as numpy


def test_integers_never_wrap():
    info = np.iinfo(np.int64)
    f = np.array([info.min, info.max, info.min, 0], dtype=np.int64)
    assert_same(as_list(numgrad.gradient(f)), numpy_gradient(f))
    u = np.array([0, 2 ** 64 - 1, 0], dtype=np.uint64)
    assert_same(as_list(numgrad.gradient(u, edge_order=2)), numpy_gradient(u, edge_order=2))
    # Integer coordinates are converted to float64 before the difference.
    x = np.array([250, 252, 255], dtype=np.uint8)
    assert_same(as_list(numgrad.gradient(np.array([1., 2, 4]), x)),
                numpy_gradient(np.array([1., 2, 4]), x))


def test_float16_is_computed_in_float32():
    rng = np.random.default_rng(16)
    f = rng.standard_normal((6, 7)).astype(np.float16)
    x = np.cumsum(rng.uniform(0.1, 1, 7))
    for args in [(), (0.3,), (0.5, x)]:
        got = as_list(numgrad.gradient(f, *args, edge_order=2))
        want = [g.astype(np.float16) for g in reference(f.astype(np.float32), *args,
                                                       edge_order=2)]
        assert_same(got, want)
    out = np.zeros((2, 6, 7), dtype=np.float16)
    res = numgrad.gradient(f, out=out)
    assert res[0].base is out
    assert_same(list(out), [g.astype(np.float16) for g in reference(f.astype(np.float32))])


def test_float32_scalar_spacing_is_float32_arithmetic():
    # numpy 1.24 on a 2-D float32 array with a scalar spacing: float32 arithmetic.
    rng = np.random.default_rng(32)
    f = rng.standard_normal((3, 50)).astype(np.float32)
    for eo in (1, 2):
        got = numgrad.gradient(f, 0.1, axis=1, edge_order=eo)
        assert mismatch(got, numpy_gradient(f, 0.1, axis=1, edge_order=eo)[0]) is None


def test_float32_coordinates_are_float64_arithmetic_rounded_once():
    rng = np.random.default_rng(33)
    f = rng.standard_normal((3, 50)).astype(np.float32)
    x = np.cumsum(rng.uniform(0.1, 1, 50))
    for eo in (1, 2):
        got = numgrad.gradient(f, x, axis=1, edge_order=eo)
        want = numpy_gradient(f.astype(np.float64), x, axis=1, edge_order=eo)[0]
        assert mismatch(got, want.astype(np.float32)) is None
        # numpy 1.24 agrees in the interior (float64 coefficient arrays) ...
        assert mismatch(got[:, 1:-1], numpy_gradient(f, x, axis=1, edge_order=eo)[0][:, 1:-1]) \
            is None


def test_low_precision_coordinates_are_used_as_float64():
    # Documented difference: numpy differentiates float32/float16 coordinates in their
    # own precision; numgrad converts every coordinate array to float64 first.
    rng = np.random.default_rng(34)
    f = rng.standard_normal(40)
    x32 = np.cumsum(rng.uniform(0.1, 1, 40)).astype(np.float32)
    got = numgrad.gradient(f, x32, edge_order=2)
    assert mismatch(got, numpy_gradient(f, x32.astype(np.float64), edge_order=2)[0]) is None


def test_byteswapped_and_unaligned_inputs():
    f = np.arange(20.).reshape(4, 5) ** 2
    swapped = f.astype(">f8")
    assert_same(as_list(numgrad.gradient(swapped)), numpy_gradient(f))
    rec = np.zeros(20, dtype=[("pad", "u1"), ("x", "<f8")])
    rec["x"] = f.ravel()
    view = rec["x"].reshape(4, 5)
    assert view.strides[1] % 8 != 0
    assert_same(as_list(numgrad.gradient(view, 0.5, 2.0)), numpy_gradient(f, 0.5, 2.0))


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_matrix_subclass_kept_masked_rejected():
    m = np.matrix([[1., 2, 4], [3, 5, 9]])
    got = numgrad.gradient(m)
    want = np.gradient(m)
    assert [type(g) for g in got] == [type(w) for w in want] == [np.matrix] * 2
    assert_same([np.asarray(g) for g in got], [np.asarray(w) for w in want])
    with pytest.raises(TypeError, match="masked"):
        numgrad.gradient(np.ma.masked_array([1., 2, 3], mask=[0, 1, 0]))


# --- no copies -----------------------------------------------------------------------

@pytest.fixture
def spy(monkeypatch):
    """Records what numgrad hands the library: input and output addresses and strides."""
    calls = []
    real = _lib.call

    def call(inp, outputs, *rest):
        calls.append((inp, outputs))
        return real(inp, outputs, *rest)

    monkeypatch.setattr(_lib, "call", call)
    return calls


def _layouts():
    base = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5) ** 1.5
    return {
        "C": base,
        "F": np.asfortranarray(base),
        "negative": base[::-1, :, ::-1],
        "slice": base[:, ::2, 1:, ::3],
        "transpose": base.transpose(2, 0, 3, 1),
        "broadcast": np.broadcast_to(base[:, :1], (2, 3, 4, 5)),
        "int8 slice": (base % 100).astype(np.int8)[::-1, ::2],
        "complex": (base + 1j * base)[:, ::-2],
    }


@pytest.mark.parametrize("name", list(_layouts()))
def test_input_is_not_copied(spy, name):
    f = _layouts()[name]
    got = numgrad.gradient(f)
    (inp, outs), = spy
    assert inp.data == f.ctypes.data
    assert list(inp.strides) == [s // f.itemsize for s in f.strides]
    assert_same(as_list(got), numpy_gradient(f))


def test_out_allocates_nothing(spy):
    f = np.arange(60.).reshape(3, 4, 5) ** 2
    stacked = np.empty((3, 3, 4, 5))
    res = numgrad.gradient(f, out=stacked)
    (inp, outs), = spy
    assert [o.data for o in outs] == [stacked[i].ctypes.data for i in range(3)]
    assert all(r.base is stacked for r in res)
    assert_same(list(stacked), numpy_gradient(f))


# --- out= ----------------------------------------------------------------------------

def test_out_forms():
    rng = np.random.default_rng(7)
    f = rng.standard_normal((5, 6))
    want = numpy_gradient(f, 0.5, 2.0)
    # a tuple, a list
    for seq in (tuple, list):
        out = seq([np.empty((5, 6)), np.asfortranarray(np.empty((5, 6)))])
        res = numgrad.gradient(f, 0.5, 2.0, out=out)
        assert isinstance(res, tuple) and res[0] is out[0] and res[1] is out[1]
        assert_same(list(out), want)
    # one stacked array; views with negative and interleaved strides
    stacked = np.empty((2, 5, 6))
    res = numgrad.gradient(f, 0.5, 2.0, out=stacked)
    assert_same(list(stacked), want)
    inter = np.empty((5, 6, 2))
    res = numgrad.gradient(f, 0.5, 2.0, out=(inter[..., 0], inter[..., 1][::-1, ::-1]))
    assert_same([inter[..., 0], inter[..., 1][::-1, ::-1]], want)
    # one axis: a bare array, or a stacked array of shape (1,) + f.shape
    bare = np.empty((5, 6))
    assert numgrad.gradient(f, axis=1, out=bare) is bare
    assert_same([bare], numpy_gradient(f, axis=1))
    one = np.empty((1, 5, 6))
    r = numgrad.gradient(f, axis=0, out=one)
    assert r.base is one and r.shape == (5, 6)
    assert_same([one[0]], numpy_gradient(f, axis=0))
    # integers write float64
    out = np.empty((2, 5, 6))
    numgrad.gradient((f * 100).astype(np.int16), out=out)
    assert_same(list(out), numpy_gradient((f * 100).astype(np.int16)))


# --- threads -------------------------------------------------------------------------

def test_threads_give_identical_results():
    rng = np.random.default_rng(11)
    big = rng.standard_normal((300, 401))  # above the library's parallel threshold
    x0 = np.cumsum(rng.uniform(0.1, 1, 300))
    cases = [
        (big, (), {}),
        (big.T, (0.5, 2.0), {"edge_order": 2}),
        (big[::-1, ::2], (x0, 1.5), {}),
        (np.asfortranarray(big).astype(np.float32), (x0, 0.25), {"edge_order": 2}),
        ((big * 1000).astype(np.int32), (), {"axis": (1, 0)}),
        ((big + 1j * big)[:, 1:], (), {"axis": 0}),
        (np.broadcast_to(big[:1], big.shape), (), {}),
    ]
    for f, args, kwargs in cases:
        want = reference(f, *args, **kwargs)
        runs = [as_list(numgrad.gradient(f, *args, threads=t, **kwargs))
                for t in (None, 0, 1, 2, 3)]
        for got in runs:
            assert_same(got, want)


def test_concurrent_calls_and_thread_local_errors():
    rng = np.random.default_rng(12)
    f = rng.standard_normal((64, 65))
    want = numpy_gradient(f, 0.5)
    failures = []

    def work(j):
        try:
            for _ in range(50):
                if j % 2:
                    with pytest.raises(ValueError, match="edge_order is 3"):
                        numgrad.gradient(f, edge_order=3)
                else:
                    assert_same(as_list(numgrad.gradient(f, 0.5)), want)
                    with pytest.raises(numgrad.AxisError, match="is 7"):
                        numgrad.gradient(f, axis=7)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(j,)) for j in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures


# --- the library -------------------------------------------------------------------

def test_library_version_matches_header():
    import os
    import re
    header = os.path.join(os.path.dirname(__file__), "..", "..", "include", "numgrad.h")
    with open(header) as fh:
        text = fh.read()
    ver = tuple(int(re.search(r"#define NG_VERSION_%s (\d+)" % p, text).group(1))
                for p in ("MAJOR", "MINOR", "PATCH"))
    assert numgrad.library_version() == ver
    assert _lib.ng_version_string().decode() == "%d.%d.%d" % ver


def test_abi_struct_sizes():
    import ctypes
    # Layouts fixed by numgrad.h on LP64: every field fixed-width, pointers 8 bytes.
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(_lib.NgArray) == 32
        assert ctypes.sizeof(_lib.NgSpacing) == 32
        assert ctypes.sizeof(_lib.NgBoundary) == 16
        assert ctypes.sizeof(_lib.NgOptions) == 64
        assert _lib.NgOptions.boundary.offset == 40 and _lib.NgOptions.reserved2.offset == 60
    for code, size in [(1, 4), (2, 8), (3, 8), (4, 16), (5, 1), (8, 8), (9, 1), (12, 8)]:
        assert _lib.ng_dtype_size(code) == size
    assert _lib.ng_result_dtype(5) == _lib.NG_FLOAT64
    assert _lib.ng_result_dtype(99) == -1


def test_float32_extreme_spacing_follows_semantics():
    # SEMANTICS: coefficients computed in double, rounded to float32, float32 arithmetic.
    # When a rounded coefficient overflows float32, numpy 1.24's value-based casting
    # computes in float64 instead (numpy gives 7.5e-39 and inf below); numgrad keeps the
    # float32 rule. Expected values: numpy float32 scalar arithmetic, step by step.
    f = np.array([[1, 2, 4, 7]] * 2, dtype=np.float32)
    f32 = np.float32
    with np.errstate(all="ignore"):
        h = 2e38
        got = numgrad.gradient(f, h, axis=1)[0]
        want = [(f[0, 1] - f[0, 0]) / f32(h), (f[0, 2] - f[0, 0]) / f32(2 * h),
                (f[0, 3] - f[0, 1]) / f32(2 * h), (f[0, 3] - f[0, 2]) / f32(h)]
        assert mismatch(got, np.array(want, dtype=np.float32)) is None
        assert got[1] == 0 and numpy_gradient(f, h, axis=1)[0][0, 1] == f32(7.5e-39)
        h = 1e-39
        got = numgrad.gradient(f, h, axis=1, edge_order=2)[0]
        a, b, c = f32(-1.5 / h), f32(2.0 / h), f32(-0.5 / h)
        assert np.isinf(a) and np.isinf(c)
        left = a * f[0, 0] + b * f[0, 1] + c * f[0, 2]
        assert np.isnan(left) and np.isnan(got[0])
        assert np.isinf(numpy_gradient(f, h, axis=1, edge_order=2)[0][0, 0])
