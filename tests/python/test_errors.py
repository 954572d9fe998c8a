"""Every error form of numgrad.gradient: the exception type numpy.gradient raises for the
same mistake, a message that names what was wrong, and `out` left untouched."""

import numpy as np
import pytest

import numgrad
from oracle import numpy_gradient

F = np.arange(12.).reshape(3, 4) ** 2
SENTINEL = -7.25

# (name, f, args, kwargs, exception, message regex, numpy raises the same type)
# numpy_same: True when numpy.gradient raises the same exception type for the same call;
# False where numpy accepts the call (silently wrong, or a feature numgrad lacks).
CASES = [
    ("axis out of range", F, (), {"axis": 2}, numgrad.AxisError, r"dims\[0\] is 2", True),
    ("negative axis out of range", F, (), {"axis": (0, -3)}, numgrad.AxisError, r"is -3",
     True),
    ("axis on 0-d", np.array(1.0), (), {"axis": 0}, numgrad.AxisError, r"0-d input", True),
    # numpy raises OverflowError converting 2**40 to a C int
    ("huge axis", F, (), {"axis": 2 ** 40}, numgrad.AxisError, r"out of bounds", None),
    ("repeated axis", F, (), {"axis": (1, -1)}, ValueError, r"again", True),
    ("float axis", F, (), {"axis": 1.0}, TypeError, r"integer", True),
    ("too many spacings", F, (1., 2., 3.), {}, TypeError, r"nspacing is 3", True),
    ("two spacings for one axis", F, (1., 2.), {"axis": 0}, TypeError, r"nspacing is 2", True),
    ("one coordinate array for two axes", F, (np.arange(3.),), {}, TypeError,
     r"coordinates.*2 dims", True),
    ("2-D spacing", F, (np.ones((3, 4)), 1.), {}, ValueError, r"scalars or 1d", True),
    ("short coordinates", F, (np.arange(2.), 1.), {}, ValueError,
     r"2 coordinates but dim 0 has 3", True),
    ("long coordinates", F, (1., np.arange(9.)), {}, ValueError,
     r"9 coordinates but dim 1 has 4", True),
    ("edge_order 3", F, (), {"edge_order": 3}, ValueError, r"edge_order is 3", True),
    ("edge_order 0", F, (), {"edge_order": 0}, ValueError, r"edge_order is 0", False),
    ("edge_order -1", F, (), {"edge_order": -1}, ValueError, r"edge_order is -1", False),
    ("edge_order 1.5", F, (), {"edge_order": 1.5}, ValueError, r"edge_order is 1.5", False),
    ("edge_order huge", F, (), {"edge_order": 2 ** 40}, ValueError, r"1 or 2", True),
    ("edge_order string", F, (), {"edge_order": "2"}, TypeError, r"not str", True),
    ("too few points", np.ones(1), (), {}, ValueError, r"1 samples; edge_order 1", True),
    ("too few points, edge_order 2", np.ones((4, 2)), (), {"edge_order": 2}, ValueError,
     r"dim 1 has 2 samples; edge_order 2 needs at least 3", True),
    ("empty differentiated axis", np.ones((0, 4)), (), {}, ValueError, r"dim 0 has 0", True),
    ("bool input", np.array([True, False, True]), (), {}, TypeError, r"boolean", True),
    ("complex spacing", F, (1j,), {}, TypeError, r"complex spacing", False),
    ("longdouble spacing", F, (np.longdouble(2),), {}, TypeError, r"float128", False),
    ("None spacing", F, (None,), {}, TypeError, r"not a real number", True),
    ("complex coordinates", F, (np.arange(3) * 1j, 1.), {}, TypeError, r"complex128", False),
    ("object dtype", np.array([1, 2, 3], dtype=object), (), {}, TypeError, r"dtype object",
     False),
    ("datetime dtype", np.arange(3).astype("M8[D]"), (), {}, TypeError, r"datetime64", False),
    ("longdouble", np.arange(3, dtype=np.longdouble), (), {}, TypeError, r"float128|longdouble",
     False),
    ("string dtype", np.array(["a", "b", "c"]), (), {}, TypeError, r"<U1", True),
    ("negative threads", F, (), {"threads": -1}, ValueError, r"threads is -1", None),
    ("float threads", F, (), {"threads": 1.5}, TypeError, r"integer", None),
    ("huge threads", F, (), {"threads": 2 ** 40}, ValueError, r"threads is", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_error(case):
    name, f, args, kwargs, exc, pattern, numpy_same = case
    with pytest.raises(exc, match=pattern) as info:
        numgrad.gradient(f, *args, **kwargs)
    assert str(info.value)
    if numpy_same:
        with pytest.raises(exc):
            numpy_gradient(f, *args, **{k: v for k, v in kwargs.items() if k != "threads"})
    elif numpy_same is False:
        # numpy accepts it (silently wrong or a numpy-only feature): documented.
        try:
            numpy_gradient(f, *args, **kwargs)
        except Exception:  # some of these also fail later inside numpy
            pass


@pytest.mark.parametrize("case", [c for c in CASES if c[1].ndim > 0 and c[1].dtype.kind in "fiu"],
                         ids=[c[0] for c in CASES if c[1].ndim > 0 and c[1].dtype.kind in "fiu"])
@pytest.mark.parametrize("form", ["stacked", "tuple"])
def test_error_leaves_out_untouched(case, form):
    name, f, args, kwargs, exc, pattern, _ = case
    k = 2 if "axis" not in kwargs or np.ndim(kwargs["axis"]) else 1
    if isinstance(kwargs.get("axis"), tuple):
        k = len(kwargs["axis"])
    k = min(k, max(f.ndim, 1))
    rdt = np.float64 if f.dtype.kind in "iu" else f.dtype
    if form == "stacked":
        out = np.full((k,) + f.shape, SENTINEL, dtype=rdt)
        outs = list(out)
    else:
        outs = [np.full(f.shape, SENTINEL, dtype=rdt) for _ in range(k)]
        out = tuple(outs)
    with pytest.raises(exc, match=pattern):
        numgrad.gradient(f, *args, out=out, **kwargs)
    for o in outs:
        assert (o == SENTINEL).all()


OUT_CASES = [
    ("too few outputs", lambda: (np.full((3, 4), SENTINEL),), ValueError,
     r"noutputs is 1 but 2"),
    ("too many outputs", lambda: np.full((3, 3, 4), SENTINEL), ValueError,
     r"noutputs is 3 but 2"),
    ("wrong shape", lambda: (np.full((3, 4), SENTINEL), np.full((3, 5), SENTINEL)),
     ValueError, r"outputs\[1\]\.shape\[1\] is 5"),
    ("wrong ndim", lambda: (np.full((3, 4), SENTINEL), np.full((12,), SENTINEL)),
     ValueError, r"outputs\[1\]\.ndim is 1"),
    ("wrong dtype", lambda: (np.full((3, 4), SENTINEL), np.full((3, 4), SENTINEL, np.float32)),
     TypeError, r"outputs\[1\]\.dtype"),
    ("float16 output", lambda: (np.full((3, 4), SENTINEL), np.full((3, 4), SENTINEL, np.float16)),
     TypeError, r"out\[1\] has dtype float16"),
    ("byteswapped output", lambda: (np.full((3, 4), SENTINEL), np.full((3, 4), SENTINEL, ">f8")),
     TypeError, r"out\[1\] has dtype >f8"),
    ("bare array for two axes", lambda: np.full((3, 4), SENTINEL), ValueError,
     r"one array of shape \(2, 3, 4\)"),
    ("not an array", lambda: (np.full((3, 4), SENTINEL), [[0.0] * 4] * 3), TypeError,
     r"out\[1\] is a list"),
    ("not a sequence", lambda: 5, TypeError, r"not int"),
    ("outputs overlap", lambda: (lambda o: (o, o))(np.full((3, 4), SENTINEL)), ValueError,
     r"outputs\[1\] overlaps outputs\[0\]"),
    ("outputs overlap partly", lambda: (lambda o: (o[:3], o[1:]))(np.full((4, 4), SENTINEL)),
     ValueError, r"overlaps"),
    ("read-only output", lambda: (np.full((3, 4), SENTINEL),
                                  np.broadcast_to(np.full(4, SENTINEL), (3, 4))),
     ValueError, r"out\[1\]: output array is read-only"),
]


@pytest.mark.parametrize("name, make, exc, pattern", OUT_CASES, ids=[c[0] for c in OUT_CASES])
def test_bad_out(name, make, exc, pattern):
    out = make()
    with pytest.raises(exc, match=pattern):
        numgrad.gradient(F, out=out)
    if isinstance(out, np.ndarray):
        arrays = [out]
    elif isinstance(out, tuple):
        arrays = [o for o in out if isinstance(o, np.ndarray)]
    else:
        arrays = []
    for o in arrays:
        assert (o == SENTINEL).all()


def test_out_aliasing_input():
    base = np.full((3, 3, 4), SENTINEL)
    base[0] = F
    f = base[0]
    cases = [
        (f, np.empty((3, 4))),                    # the input itself
        (np.empty((3, 4)), base[0, :, ::-1]),     # the input reversed
        (base[0].T.copy().T, base.reshape(36)[6:18].reshape(3, 4)),  # partly
    ]
    for out in cases:
        with pytest.raises(ValueError, match="overlaps the input"):
            numgrad.gradient(f, out=out)
        assert (base[0] == F).all() and (base[1:] == SENTINEL).all()
    # The stacked buffer may hold the input, as long as the outputs avoid it.
    numgrad.gradient(f, out=(base[1], base[2]))
    np.testing.assert_array_equal(base[1], np.gradient(F)[0])


def test_self_overlapping_output():
    out1 = np.full((3, 4), SENTINEL)
    buf = np.full(4, SENTINEL)
    zero = np.lib.stride_tricks.as_strided(buf, (3, 4), (0, 8), writeable=True)
    with pytest.raises(ValueError, match="share memory"):
        numgrad.gradient(F, out=(out1, zero))
    assert (out1 == SENTINEL).all() and (buf == SENTINEL).all()


def test_out_read_only():
    out = np.full((2, 3, 4), SENTINEL)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numgrad.gradient(F, out=out)
    assert (out == SENTINEL).all()


def test_float16_out_overlap_checked():
    f = np.arange(12, dtype=np.float16).reshape(3, 4)
    o = np.full((3, 4), SENTINEL, dtype=np.float16)
    with pytest.raises(ValueError, match=r"out\[1\] overlaps out\[0\]"):
        numgrad.gradient(f, out=(o, o))
    with pytest.raises(ValueError, match="overlaps the input"):
        numgrad.gradient(f, out=(np.full((3, 4), SENTINEL, np.float16), f))
    assert (o == SENTINEL).all()


def test_float16_out_shape_checked():
    f = np.arange(12, dtype=np.float16).reshape(3, 4)
    good = np.full((3, 4), SENTINEL, dtype=np.float16)
    with pytest.raises(ValueError, match=r"out\[1\] has shape \(4, 3\)"):
        numgrad.gradient(f, out=(good, np.full((4, 3), SENTINEL, dtype=np.float16)))
    with pytest.raises(ValueError, match="noutputs is 1 but 2"):
        numgrad.gradient(f, out=(good,))
    assert (good == SENTINEL).all()


def test_misaligned_out():
    buf = np.zeros(8 * 12 + 1, dtype=np.uint8)
    out1 = buf[1:].view(np.float64).reshape(3, 4)
    assert not out1.flags.aligned
    good = np.full((3, 4), SENTINEL)
    with pytest.raises(ValueError, match=r"out\[1\] is not aligned"):
        numgrad.gradient(F, out=(good, out1))
    assert (good == SENTINEL).all() and (buf == 0).all()


def test_late_error_writes_nothing():
    # The error is in the last axis's spacing: nothing of the first axis is written.
    f = np.arange(60.).reshape(3, 4, 5)
    out = np.full((3, 3, 4, 5), SENTINEL)
    with pytest.raises(ValueError, match="coordinates"):
        numgrad.gradient(f, 1.0, 2.0, np.arange(4.), out=out)
    assert (out == SENTINEL).all()
    with pytest.raises(ValueError, match="edge_order 2 needs"):
        numgrad.gradient(np.ones((5, 2)), edge_order=2, out=np.full((2, 5, 2), SENTINEL))


def test_errors_carry_the_status():
    with pytest.raises(ValueError) as info:
        numgrad.gradient(F, edge_order=3)
    assert info.value.status_name == "NG_ERR_EDGE_ORDER"
    assert info.value.status == 9
    with pytest.raises(numgrad.AxisError) as info:
        numgrad.gradient(F, axis=5)
    assert info.value.status_name == "NG_ERR_DIM_RANGE"
    assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)
    with pytest.raises(TypeError) as info:
        numgrad.gradient(np.array([True, False]))
    assert info.value.status is None  # found by the binding, before the library
