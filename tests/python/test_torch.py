"""numgrad.torch.gradient against numpy.gradient (bit for bit, in torch's result dtypes)
and against torch.gradient (same dtypes and errors; close values where torch is right,
and numpy's values where torch 1.13 is wrong)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import numgrad  # noqa: E402
import numgrad.torch as nt  # noqa: E402
from numgrad import _lib  # noqa: E402
from oracle import mismatch, reference  # noqa: E402

SEED = 1913
NCASES = 500
DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
          torch.complex128, torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8]


def to_numpy(t):
    if t.dtype == torch.bfloat16:
        return t.float().numpy()
    return t.numpy()


def expected(x, spacing, dim, edge_order, targets):
    """numpy's results for torch input x, rounded once to each torch result dtype."""
    np_spacing = ()
    if spacing is not None:
        if isinstance(spacing, (list, tuple)):
            np_spacing = tuple(s.double().numpy() if isinstance(s, torch.Tensor) else float(s)
                               for s in spacing)
        else:
            np_spacing = (float(spacing),)
    axis = None if dim is None else dim
    out = []
    k = len(targets)
    for i, target in enumerate(targets):
        if x.dtype.is_floating_point or x.dtype.is_complex:
            xin = x.to(torch.promote_types(target, torch.float32))
        else:
            xin = x  # integers: numpy computes in float64
        xi = to_numpy(xin)
        if k > 1 or (dim is not None and isinstance(dim, (list, tuple))):
            axes = list(range(x.dim())) if dim is None else list(dim)
            sp = np_spacing if len(np_spacing) <= 1 else (np_spacing[i],)
            r = reference(xi, *sp, axis=axes[i], edge_order=edge_order)[0]
        else:
            r = reference(xi, *np_spacing, axis=axis, edge_order=edge_order)[0]
        out.append(torch.from_numpy(np.ascontiguousarray(r)).to(target))
    return out


def same(got, want):
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    if got.dtype == torch.bfloat16:
        g, w = got.float().numpy(), want.float().numpy()
    else:
        g, w = got.numpy(), want.numpy()
    return mismatch(g, w)


def make_tensor(rng, shape, dtype, kind):
    nd = len(shape)
    if dtype.is_floating_point or dtype.is_complex:
        scale = 10.0 ** int(rng.integers(-2, 3))
        def vals(s):
            v = rng.standard_normal(s) * scale
            if dtype.is_complex:
                v = v + 1j * rng.standard_normal(s) * scale
            return torch.from_numpy(np.asarray(v)).to(dtype)
    else:
        info = torch.iinfo(dtype)
        def vals(s):
            return torch.from_numpy(rng.integers(info.min, info.max, size=s, endpoint=True)
                                    ).to(dtype)
    if kind == "contiguous" or nd == 0:
        return vals(shape)
    if kind == "permuted":
        perm = [int(p) for p in rng.permutation(nd)]
        base = vals([shape[p] for p in perm])
        return base.permute(*np.argsort(perm).tolist())
    if kind == "sliced":
        base = vals([2 * n + 1 for n in shape])
        return base[tuple(slice(1, 2 * n + 1, 2) for n in shape)]
    if kind == "expanded":
        small = [1 if rng.random() < 0.5 else n for n in shape]
        return vals(small).expand(*shape)
    raise AssertionError(kind)


def make_case(i):
    rng = np.random.default_rng([SEED, i])
    dtype = DTYPES[i % len(DTYPES)]
    kind = ["contiguous", "permuted", "sliced", "expanded"][int(rng.integers(4))]
    edge_order = int(rng.integers(1, 3))
    nd = int(rng.integers(1, 5))
    form = int(rng.integers(4))
    if form == 0:
        dim, axes = None, list(range(nd))
    elif form == 1:
        a = int(rng.integers(-nd, nd))
        dim, axes = a, [a % nd]
    else:
        k = int(rng.integers(1, nd + 1))
        axes = [int(a) for a in rng.permutation(nd)[:k]]
        dim = [a - nd if rng.random() < 0.4 else a for a in axes]
        if form == 3:
            dim = tuple(dim)
    shape = [int(rng.integers(edge_order + 1, 7)) if d in axes else int(rng.integers(0, 4))
             for d in range(nd)]
    sform = int(rng.integers(5))
    if sform == 0:
        spacing = None
    elif sform == 1:
        spacing = float(rng.uniform(0.2, 3))
    elif sform == 2:
        spacing = [float(rng.uniform(0.2, 3)) if rng.random() < 0.7 else int(rng.integers(1, 4))
                   for _ in axes]
    else:
        cd = [torch.float32, torch.float64, torch.int64][int(rng.integers(3))]
        spacing = tuple(torch.from_numpy(np.cumsum(rng.uniform(0.2, 2.0, shape[a]))).to(cd)
                        if cd.is_floating_point else
                        torch.from_numpy(np.cumsum(rng.integers(1, 4, shape[a]))).to(cd)
                        for a in axes)
    x = make_tensor(rng, shape, dtype, kind)
    desc = "case %d: %s shape=%s %s dim=%r edge_order=%d spacing=%r" % (
        i, dtype, shape, kind, dim, edge_order, spacing)
    return x, spacing, dim, edge_order, desc


def kwargs_of(spacing, dim, edge_order):
    kw = {"edge_order": edge_order}
    if spacing is not None:
        kw["spacing"] = spacing
    if dim is not None:
        kw["dim"] = dim
    return kw


@pytest.mark.parametrize("i", range(NCASES))
def test_matches_numpy_and_torch(i):
    x, spacing, dim, edge_order, desc = make_case(i)
    kw = kwargs_of(spacing, dim, edge_order)
    got = nt.gradient(x, **kw)
    assert isinstance(got, tuple)
    if x.dtype == torch.uint8:  # torch 1.13 rejects uint8; numgrad computes it
        with pytest.raises(RuntimeError, match="uint8"):
            torch.gradient(x, **kw)
        # torch's result dtypes are those of any other integer input
        targets = [t.dtype for t in torch.gradient(x.to(torch.int16), **kw)]
        assert [g.dtype for g in got] == targets, desc
    else:
        theirs = torch.gradient(x, **kw)
        targets = [t.dtype for t in theirs]
        assert [g.dtype for g in got] == targets, desc
        # torch is right for floating inputs: close to numgrad, within torch's precision
        # (it computes coordinate coefficients in the coordinates' dtype, and integer
        # coordinates in float32).
        if x.dtype in (torch.float32, torch.float64, torch.complex64, torch.complex128) and \
                x.numel():
            double = x.dtype in (torch.float64, torch.complex128) and (
                not isinstance(spacing, tuple) or
                all(c.dtype == torch.float64 for c in spacing))
            for g, t in zip(got, theirs):
                tol = 1e-10 if double else 1e-4
                scale = float(t.abs().max()) + 1.0
                assert torch.allclose(g, t, rtol=tol, atol=tol * scale), desc
    want = expected(x, spacing, dim, edge_order, targets)
    assert len(got) == len(want), desc
    for j, (g, w) in enumerate(zip(got, want)):
        m = same(g, w)
        assert m is None, "%s: result %d: %s" % (desc, j, m)


# --- torch 1.13's bugs are not copied ------------------------------------------------

def test_int8_does_not_wrap():
    x = torch.tensor([-100, 100, -100], dtype=torch.int8)
    (theirs,) = torch.gradient(x)
    assert theirs.tolist() == [-56.0, 0.0, 56.0]  # torch 1.13 subtracts in int8
    (ours,) = nt.gradient(x)
    assert ours.dtype == theirs.dtype == torch.float32
    assert ours.tolist() == [200.0, 0.0, -200.0]
    assert ours.tolist() == np.gradient(x.numpy()).tolist()


def test_short_coordinates_are_an_error():
    t = torch.tensor([[1., 2, 4, 8], [10, 20, 40, 80]])
    short = (torch.tensor([0., 1.]), torch.tensor([0., 1., 2.]))
    torch.gradient(t, spacing=short)  # torch 1.13 silently broadcasts the short one
    with pytest.raises(RuntimeError, match="3 coordinates but dim 1 has 4"):
        nt.gradient(t, spacing=short)
    with pytest.raises(ValueError):
        np.gradient(t.numpy(), short[0].numpy(), short[1].numpy())


def test_one_spacing_for_two_dims_is_an_error():
    # torch 1.13 overflows its heap here (not run); newer torch raises RuntimeError.
    t = torch.ones(3, 4)
    with pytest.raises(RuntimeError, match="list of length 2 but got a list of length 1"):
        nt.gradient(t, spacing=[2.0])
    with pytest.raises(RuntimeError, match="same length"):
        nt.gradient(t, spacing=[2.0], dim=[0, 1])


def test_uint8_works():
    x = torch.tensor([5, 4, 3, 2, 1], dtype=torch.uint8)
    with pytest.raises(RuntimeError):
        torch.gradient(x)
    (ours,) = nt.gradient(x)
    assert ours.tolist() == [-1.0] * 5


# --- reference values, forms ------------------------------------------------------

def test_seed_examples():
    t = torch.tensor([[1, 2, 4, 8], [10, 20, 40, 80]])
    g = nt.gradient(t)
    assert g[0].tolist() == [[9, 18, 36, 72]] * 2
    assert g[1].tolist() == [[1, 1.5, 3, 4], [10, 15, 30, 40]]
    g = nt.gradient(t, spacing=[3., 2.])
    assert g[0].tolist() == [[3, 6, 12, 24]] * 2
    assert g[1].tolist() == [[0.5, 0.75, 1.5, 2], [5, 7.5, 15, 20]]
    coords = (torch.tensor([-2., -1., 1., 4.]),)
    (g,) = nt.gradient(torch.tensor([4., 1., 1., 16.]), spacing=coords)
    assert g.tolist() == [-3, -2, 2, 5]
    (g,) = nt.gradient(torch.tensor([0, 0.25, 1, 2.25]), spacing=(0.5,))
    assert g.tolist() == [0.5, 1, 2, 2.5]
    (g,) = nt.gradient(t, dim=1)
    assert g.tolist() == [[1, 1.5, 3, 4], [10, 15, 30, 40]]
    g = nt.gradient(t, spacing=torch.tensor(2.0))
    assert g[1].tolist() == [[0.5, 0.75, 1.5, 2], [5, 7.5, 15, 20]]


def test_zero_d_and_empty():
    assert nt.gradient(torch.tensor(3.0)) == torch.gradient(torch.tensor(3.0)) == ()
    assert nt.gradient(torch.ones(3, 4), dim=[]) == ()
    (g,) = nt.gradient(torch.zeros(0, 3), dim=1)
    assert g.shape == (0, 3) and g.dtype == torch.float32


def test_conjugate_and_negative_views():
    z = torch.tensor([1 + 2j, 3 - 1j, 4 + 4j, 0 - 2j], dtype=torch.complex128)
    (g,) = nt.gradient(z.conj())
    assert g.numpy().tolist() == np.gradient(np.conj(z.numpy())).tolist()
    (g,) = nt.gradient(torch.neg(z.conj()).conj())
    assert g.numpy().tolist() == np.gradient(-z.numpy()).tolist()


def test_requires_grad():
    x = torch.linspace(0, 1, 5, requires_grad=True)
    with pytest.raises(RuntimeError, match="autograd"):
        nt.gradient(x)
    with torch.no_grad():
        (g,) = nt.gradient(x)
    assert g.tolist() == np.gradient(x.detach().numpy()).tolist()


# --- no copies ---------------------------------------------------------------------

@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = _lib.call

    def call(inp, outputs, *rest):
        calls.append((inp, outputs))
        return real(inp, outputs, *rest)

    monkeypatch.setattr(_lib, "call", call)
    return calls


@pytest.mark.parametrize("make", [
    lambda: torch.arange(60.).reshape(3, 4, 5),
    lambda: torch.arange(60.).reshape(3, 4, 5).permute(2, 0, 1),
    lambda: torch.arange(120, dtype=torch.float64).reshape(6, 4, 5)[::2, 1:, ::2],
    lambda: torch.arange(5, dtype=torch.int16).reshape(1, 5).expand(3, 5),
    lambda: (torch.arange(20.) * (1 + 2j)).to(torch.complex64).reshape(4, 5).t(),
], ids=["contiguous", "permuted", "sliced", "expanded", "complex transposed"])
def test_input_is_not_copied(spy, make):
    x = make()
    got = nt.gradient(x)
    (inp, outs), = spy
    assert inp.data == x.data_ptr()
    assert list(inp.strides) == list(x.stride())
    for g, w in zip(got, expected(x, None, None, 1, [g.dtype for g in got])):
        assert same(g, w) is None


# --- errors: torch's exception types --------------------------------------------------

T2 = torch.arange(12.).reshape(3, 4)

ERRORS = [
    ("dim out of range", T2, {"dim": 2}, IndexError, r"is 2", True),
    ("repeated dim", T2, {"dim": [1, -1]}, RuntimeError, r"again", True),
    ("edge_order 3", T2, {"edge_order": 3}, RuntimeError, r"edge_order is 3", True),
    ("edge_order 0", T2, {"edge_order": 0}, RuntimeError, r"edge_order is 0", True),
    ("too few points", torch.ones(4, 2), {"edge_order": 2}, RuntimeError,
     r"dim 1 has 2 samples", True),
    ("spacing list too long", T2, {"spacing": [1., 2., 3.]}, RuntimeError, r"length 3", True),
    ("spacing and dim lengths", T2, {"spacing": [1., 2.], "dim": 0}, RuntimeError,
     r"same length", True),
    ("0-d coordinate tensors", T2, {"spacing": (torch.tensor(1.), torch.tensor(2.))},
     RuntimeError, r"0 dimensions", True),
    ("2-D coordinate tensor", T2, {"spacing": (torch.ones(3, 3), torch.ones(4))},
     RuntimeError, r"2 dimensions", True),
    ("bool input", torch.tensor([True, False, True]), {}, RuntimeError, r"boolean", True),
    ("not a tensor", [1., 2., 3.], {}, TypeError, r"must be Tensor", True),
    ("complex spacing", T2, {"spacing": 1j}, TypeError, r"complex spacing", False),
    ("spacing is a 1-D tensor", torch.ones(4), {"spacing": torch.arange(4.)}, TypeError,
     r"spacing must be", True),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors(case):
    name, x, kw, exc, pattern, torch_same = case
    with pytest.raises(exc, match=pattern):
        nt.gradient(x, **kw)
    if torch_same:
        with pytest.raises(exc):
            torch.gradient(x, **kw)


def test_non_cpu_and_sparse_rejected():
    with pytest.raises(RuntimeError, match="CPU"):
        nt.gradient(torch.ones(3, 4, device="meta"))
    with pytest.raises(RuntimeError, match="strided"):
        nt.gradient(torch.ones(3, 4).to_sparse())


def test_importing_numgrad_does_not_import_torch():
    import os
    import subprocess
    import sys
    code = "import sys, numgrad; numgrad.gradient([1., 2., 4.]); " \
           "assert 'torch' not in sys.modules, 'torch imported'; print('ok')"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(numgrad.__file__)))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
    assert numgrad.torch is nt
