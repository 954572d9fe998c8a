"""numgrad's options beyond numpy.gradient: --boundary (edge, periodic, halo), --period,
--accuracy and --strict.

Oracles: a periodic array must give, bit for bit, numpy.gradient's interior of its
wrapped padding (np.pad(mode='wrap'), coordinates continued by the period); boxes of an
array with ghost cells in halo mode must give, bit for bit, numpy.gradient of the whole
array on the cells they own; accuracy p must be exact (to rounding) on polynomials of
degree p. Refusals follow test_errors: one line, exit status 2, nothing written."""
import os

import numpy as np
import pytest

from conftest import listing, run, same_bits, write
from test_errors import assert_refused
from test_formats import reference, sample


def grad(d, a, args, name="in.npy"):
    """Saves `a`, runs numgrad on it with `args` ({d}: the work directory) and returns
    the loaded output, checking that the run was silent and the file holds nothing more."""
    inp = os.path.join(d, name)
    out = os.path.join(d, "out.npy")
    np.save(inp, a)
    r = run(inp, "-o", out, *[t.format(d=d) for t in args])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    got = np.load(out)
    with open(out, "rb") as f:
        np.lib.format.read_magic(f)
        np.lib.format.read_array_header_1_0(f)
        header = f.tell()
    assert os.path.getsize(out) == header + got.nbytes
    # The memory order of the output follows the input's.
    assert got.flags.f_contiguous if np.isfortran(a) else got.flags.c_contiguous
    return got


# ---- periodic: the interior of the wrapped padding ----

X1 = np.array([0.0, 0.5, 1.75, 2.0, 3.5])  # non-uniform coordinates of dim 1 (5 samples)
L1 = 4.25                                   # their period: x[5] = x[0] + 4.25


def wrapped(a, spacing, periodic):
    """`a` padded by one wrapped sample at both ends of the periodic dims, and the
    spacing with coordinates continued by their period (entries: h or (x, L))."""
    pad = [(1, 1) if ax in periodic else (0, 0) for ax in range(a.ndim)]
    sp = []
    for ax, s in enumerate(spacing):
        if isinstance(s, tuple):
            x, period = s
            if ax in periodic:
                x = np.concatenate([[x[-1] - period], x, [x[0] + period]])
            sp.append(x)
        else:
            sp.append(s)
    return np.pad(a, pad, mode="wrap"), sp


def periodic_reference(a, spacing, periodic, edge_order):
    p, sp = wrapped(a, spacing, periodic)
    g = reference(p, sp, None, edge_order)
    inner = (slice(None),) + tuple(slice(1, -1) if ax in periodic else slice(None)
                                   for ax in range(a.ndim))
    return g[inner]


# (numgrad arguments, spacing per dim: h or (coordinates, period), periodic dims, edge_order)
PERIODIC = {
    "all-unit": (["--boundary", "periodic"], [1.0, 1.0, 1.0], {0, 1, 2}, 1),
    "all-spacing": (["--boundary", "periodic", "--spacing", "0.5,3,0.25"],
                    [0.5, 3.0, 0.25], {0, 1, 2}, 1),
    "coords-period": (["--boundary", "periodic", "--spacing", "0.5", "--coords", "1={d}/x1.npy",
                       "--period", "1=4.25"], [0.5, (X1, L1), 0.5], {0, 1, 2}, 1),
    "one-dim-edge2": (["--boundary", "1=periodic", "--coords", "1={d}/x1.npy", "--period",
                       "-2=4.25", "--edge-order", "2"], [1.0, (X1, L1), 1.0], {1}, 2),
    "list-edge2": (["--boundary", "edge,periodic,periodic", "--spacing", "0.5",
                    "--edge-order", "2"], [0.5, 0.5, 0.5], {1, 2}, 2),
}


@pytest.mark.parametrize("case", sorted(PERIODIC))
@pytest.mark.parametrize("dtype,order", [("<f8", "C"), ("<f8", "F"), ("<f4", "C"),
                                         ("<c16", "F"), ("<i2", "C")])
def test_periodic_is_the_wrapped_padding(workdir, case, dtype, order):
    args, spacing, periodic, edge_order = PERIODIC[case]
    a = sample(dtype, (7, 5, 4), 21)
    a = np.asfortranarray(a) if order == "F" else a
    np.save(os.path.join(workdir, "x1.npy"), X1)
    got = grad(workdir, a, args)
    want = periodic_reference(a, spacing, periodic, edge_order)
    assert got.shape == (3,) + a.shape
    assert same_bits(got, want), "periodic %s %s differs from the wrapped padding" % (case, dtype)


def test_periodic_reproduces_a_period_of_a_longer_signal(workdir):
    # sin over exactly one period: every sample's derivative, the two ends included,
    # is the central difference numpy computes inside a longer sampling.
    n = 40
    h = 2 * np.pi / n
    t = np.arange(-1, n + 1) * h
    f = np.sin(t)
    got = grad(workdir, f[1:-1], ["--boundary", "periodic", "--spacing", repr(h)])
    # The wrapped neighbours are the exact samples only to rounding: sin(-h) vs sin(2pi-h).
    assert np.allclose(got[0], np.gradient(f, h)[1:-1], rtol=0, atol=1e-14)


# ---- halo: boxes with ghost cells reproduce the whole array ----

SHAPE = (10, 9, 7)
CUT0 = [0, 3, 7, 10]  # owned ranges along dim 0: three boxes
CUT1 = [0, 5, 9]      # and dim 1: two boxes
XH = np.cumsum(np.linspace(0.5, 1.5, SHAPE[1]))  # coordinates of dim 1


def halo_boxes(cut0, cut1, width):
    """(input slices, owned slices in the box's output, boundary arguments) per box."""
    for r0 in range(len(cut0) - 1):
        for r1 in range(len(cut1) - 1):
            lo0, hi0 = cut0[r0] - (r0 > 0) * width, cut0[r0 + 1] + (r0 < len(cut0) - 2) * width
            lo1, hi1 = cut1[r1] - (r1 > 0) * width, cut1[r1 + 1] + (r1 < len(cut1) - 2) * width
            modes = ["%s:%s" % ("halo" if r > 0 else "edge", "halo" if r < len(c) - 2 else "edge")
                     for r, c in ((r0, cut0), (r1, cut1))]
            yield ((slice(lo0, hi0), slice(lo1, hi1), slice(None)),
                   (slice(cut0[r0], cut0[r0 + 1]), slice(cut1[r1], cut1[r1 + 1]), slice(None)),
                   ["--boundary", "0=" + modes[0], "--boundary", "1=" + modes[1]], lo1, hi1)


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("dtype,order", [("<f8", "C"), ("<f8", "F"), ("<f4", "F"),
                                         ("<c8", "C"), ("<u2", "C")])
def test_halo_boxes_reproduce_numpy_on_the_whole_array(workdir, dtype, order, edge_order):
    whole = sample(dtype, SHAPE, 22)
    want = reference(whole, (0.3, XH, 0.3), None, edge_order)
    for box, own, bargs, lo1, hi1 in halo_boxes(CUT0, CUT1, 1):
        local = whole[box]
        local = np.asfortranarray(local) if order == "F" else np.ascontiguousarray(local)
        np.save(os.path.join(workdir, "x.npy"), XH[lo1:hi1])
        got = grad(workdir, local, bargs + ["--spacing", "0.3", "--coords", "1={d}/x.npy",
                                            "--edge-order", str(edge_order)])
        # The output covers the owned cells only: the stacked shape is trimmed.
        owned = tuple(s.stop - s.start for s in own[:2]) + (SHAPE[2],)
        assert got.shape == (3,) + owned
        assert same_bits(got, want[(slice(None),) + own]), \
            "box %s of %s %s differs from the whole array" % (box[:2], dtype, order)


def test_halo_at_accuracy_4_has_two_ghost_layers(workdir):
    # The oracle: numgrad at accuracy 4 on the whole array (numpy has no accuracy 4).
    whole = sample("<f8", SHAPE, 23)
    np.save(os.path.join(workdir, "x.npy"), XH)
    want = grad(workdir, whole, ["--accuracy", "4", "--coords", "1={d}/x.npy"], name="w.npy")
    for box, own, bargs, lo1, hi1 in halo_boxes([0, 5, 10], CUT1, 2):
        np.save(os.path.join(workdir, "x.npy"), XH[lo1:hi1])
        got = grad(workdir, np.ascontiguousarray(whole[box]),
                   bargs + ["--accuracy", "4", "--coords", "1={d}/x.npy"])
        assert same_bits(got, want[(slice(None),) + own]), "box %s" % (box[:2],)


def test_halo_on_every_dim_trims_every_dim(workdir):
    a = sample("<f8", (6, 5, 4), 24)
    got = grad(workdir, np.asfortranarray(a), ["--boundary", "halo", "--dims", "2,0"])
    assert got.shape == (2, 4, 5, 2)
    want = reference(a, (), (2, 0), 1)[:, 1:-1, :, 1:-1]
    assert same_bits(got, want)


# ---- accuracy: exact on polynomials of its degree ----

def poly(degree, x):
    """A polynomial of the degree with all terms, and its derivative."""
    c = np.array([(-1.0) ** j * (j + 1) / 3.0 for j in range(degree + 1)])
    return np.polynomial.polynomial.polyval(x, c), \
        np.polynomial.polynomial.polyval(x, np.polynomial.polynomial.polyder(c))


@pytest.mark.parametrize("accuracy", [4, 6, 8])
def test_accuracy_is_exact_on_polynomials(workdir, accuracy):
    xu = np.linspace(-1.0, 1.5, 13)                  # uniform, h = 5/24
    xn = np.sort(np.concatenate([[-1.0, 1.5], np.random.default_rng(accuracy)
                                 .uniform(-1.0, 1.5, 11)]))  # non-uniform
    fu, du = poly(accuracy, xu)
    fn, dn = poly(accuracy, xn)
    # dim 0 uniform by --spacing, dim 1 non-uniform by --coords; Fortran order.
    a = np.asfortranarray(fu[:, None] + fn[None, :])
    np.save(os.path.join(workdir, "xn.npy"), xn)
    got = grad(workdir, a, ["--accuracy", str(accuracy), "--spacing", repr(xu[1] - xu[0]),
                            "--coords", "1={d}/xn.npy"])
    scale = np.abs(du).max() + np.abs(dn).max()
    assert np.allclose(got[0], du[:, None], rtol=0, atol=1e-10 * scale)
    assert np.allclose(got[1], dn[None, :], rtol=0, atol=1e-10 * scale)
    # Accuracy 2 (numpy) is not exact there: the option did change the stencils.
    low = grad(workdir, a, ["--spacing", repr(xu[1] - xu[0]), "--coords", "1={d}/xn.npy",
                            "--edge-order", "2"])
    assert np.abs(low[0] - du[:, None]).max() > 1e-4 * scale


def test_accuracy_4_periodic_beats_accuracy_2(workdir):
    n = 32
    t = np.arange(n) * (2 * np.pi / n)
    exact = np.cos(t)
    errors = {}
    for acc in ["2", "4"]:
        got = grad(workdir, np.sin(t), ["--boundary", "periodic", "--spacing",
                                        repr(2 * np.pi / n), "--accuracy", acc])
        errors[acc] = np.abs(got[0] - exact).max()
    # h^2/6 ~ 6e-3 against h^4/30 ~ microunits: at least 100 times smaller.
    assert errors["4"] < errors["2"] / 100


# ---- strict: refusals that numpy would answer with inf and nan ----

@pytest.fixture
def strict_files(workdir):
    d = workdir
    np.save(os.path.join(d, "in.npy"), np.arange(20.0).reshape(4, 5) ** 2)
    np.save(os.path.join(d, "xnan.npy"), np.array([0.0, 1.0, np.nan, 3.0, 4.0]))
    np.save(os.path.join(d, "xinf.npy"), np.array([0.0, 1.0, 2.0, 3.0, np.inf]))
    np.save(os.path.join(d, "xdup.npy"), np.array([0.0, 1.0, 1.0, 3.0, 4.0]))
    np.save(os.path.join(d, "xturn.npy"), np.array([0.0, 1.0, 2.0, 1.5, 4.0]))
    np.save(os.path.join(d, "xdown.npy"), np.array([4.0, 3.0, 2.0, 1.0, 0.0]))
    np.save(os.path.join(d, "x.npy"), np.array([0.0, 1.0, 2.5, 3.0, 4.0]))
    write(os.path.join(d, "out.npy"), b"precious")
    return d


# (arguments after IN -o OUT, subject, phrase); every case runs without --strict too,
# where the names in NAN_INF give numpy's inf or nan, and the others finite numbers that
# are wrong (an inf spacing gives 0, turning coordinates a slope across the turn).
NAN_INF = {"nan-coords", "inf-coords", "repeated-coords", "zero-spacing",
           "zero-spacing-of-one-dim", "nan-spacing-beside-coords", "period-too-short",
           "period-inf"}
STRICT = {
    "nan-coords": (["--coords", "1={d}/xnan.npy"], "{d}/xnan.npy",
                   "x[2] is nan: --strict needs finite coordinates"),
    "inf-coords": (["--coords", "1={d}/xinf.npy"], "{d}/xinf.npy", "x[4] is inf"),
    "repeated-coords": (["--coords", "1={d}/xdup.npy"], "{d}/xdup.npy",
                        "not strictly monotonic: x[1] = 1, x[2] = 1"),
    "turning-coords": (["--coords", "1={d}/xturn.npy"], "{d}/xturn.npy",
                       "not strictly monotonic: x[2] = 2, x[3] = 1.5"),
    "zero-spacing": (["--spacing", "0"], "--spacing", "0 is refused by --strict"),
    "zero-spacing-of-one-dim": (["--spacing", "1,0"], "--spacing", "0 is refused by --strict"),
    "inf-spacing": (["--spacing", "inf", "--dims", "0"], "--spacing",
                    "inf is refused by --strict"),
    "nan-spacing-beside-coords": (["--spacing", "nan", "--coords", "1={d}/x.npy"], "--spacing",
                                  "nan is refused by --strict"),
    "period-too-short": (["--coords", "1={d}/x.npy", "--boundary", "1=periodic", "--period",
                          "1=3"], "--period 1=3",
                         "x[0] + L = 3 does not continue the coordinates strictly"),
    "period-backwards": (["--coords", "1={d}/x.npy", "--boundary", "1=periodic", "--period",
                          "1=-5"], "--period 1=-5", "x[0] + L = -5 does not continue"),
    "period-inf": (["--coords", "1={d}/x.npy", "--boundary", "1=periodic", "--period",
                    "1=inf"], "--period 1=inf", "x[0] + L = inf"),
}


@pytest.mark.parametrize("name", sorted(STRICT))
def test_strict_refuses(strict_files, name):
    args, subject, phrase = STRICT[name]
    d = strict_files
    inp, out = os.path.join(d, "in.npy"), os.path.join(d, "out.npy")
    args = [t.format(d=d) for t in args]
    before = listing(d)
    assert_refused(run(inp, "-o", out, "--strict", *args), subject.format(d=d),
                   phrase.format(d=d), d, before)
    with open(out, "rb") as f:
        assert f.read() == b"precious"
    # Without --strict numgrad does what numpy does: inf and nan, exit status 0.
    r = run(inp, "-o", out, *args)
    assert r.returncode == 0, r.stderr
    assert np.isfinite(np.load(out)).all() == (name not in NAN_INF)


def test_strict_accepts_good_coordinates(strict_files):
    d = strict_files
    inp, out = os.path.join(d, "in.npy"), os.path.join(d, "out.npy")
    a = np.load(inp)
    for x in ["x.npy", "xdown.npy"]:  # increasing and decreasing
        xs = os.path.join(d, x)
        r = run(inp, "-o", out, "--strict", "--coords", "1=" + xs, "--spacing", "0.5")
        assert r.returncode == 0, r.stderr
        assert same_bits(np.load(out), reference(a, (0.5, np.load(xs)), None, 1))
    r = run(inp, "-o", out, "--strict", "--coords", "1=" + os.path.join(d, "x.npy"),
            "--boundary", "1=periodic", "--period", "1=4.5")
    assert r.returncode == 0, r.stderr


# ---- bad option values ----

@pytest.fixture
def files(workdir):
    d = workdir
    np.save(os.path.join(d, "in.npy"), np.arange(30.0).reshape(5, 6))
    np.save(os.path.join(d, "x6.npy"), np.arange(6.0) ** 2)
    write(os.path.join(d, "out.npy"), b"precious")
    return d


# (arguments after IN -o OUT, subject, phrase)
BAD = {
    "boundary-word": (["--boundary", "wrap"], "--boundary",
                      "'wrap' is not a boundary: give edge, periodic, halo or LOWER:UPPER"),
    "boundary-empty": (["--boundary", ""], "--boundary", "'' is not a boundary"),
    "boundary-case": (["--boundary", "Periodic"], "--boundary", "'Periodic' is not a boundary"),
    "boundary-three-sides": (["--boundary", "halo:edge:edge"], "--boundary",
                             "'halo:edge:edge' is not a boundary"),
    "boundary-half-periodic": (["--boundary", "1=periodic:edge"], "--boundary",
                               "'periodic:edge' is periodic at one end only"),
    "boundary-list-count": (["--boundary", "halo,edge,edge"], "--boundary",
                            "3 modes for 2 differentiated dims"),
    "boundary-list-count-dims": (["--dims", "1", "--boundary", "halo,edge"], "--boundary",
                                 "2 modes for 1 differentiated dims"),
    "boundary-twice": (["--boundary", "halo", "--boundary", "edge,periodic"], "--boundary",
                       "'halo' and 'edge,periodic' both set every dim"),
    "boundary-mixed": (["--boundary", "0=halo,edge"], "--boundary",
                       "'0=halo,edge' mixes MODE and DIM=MODE entries"),
    "boundary-dim-twice": (["--boundary", "1=halo", "--boundary", "-1=edge"],
                           "--boundary -1=edge", "dim -1 already has a boundary"),
    "boundary-dim-range": (["--boundary", "2=halo"], "--boundary 2=halo",
                           "dim 2 is out of range for the 2-d array"),
    "boundary-dim-not-differentiated": (["--dims", "0", "--boundary", "1=halo"],
                                        "--boundary 1=halo", "not differentiated (see --dims)"),
    "boundary-dim-word": (["--boundary", "x=halo"], "--boundary",
                          "'x' is not DIM=MODE with an integer DIM"),
    "boundary-no-mode": (["--boundary", "0="], "--boundary", "'0=' is not DIM=MODE"),
    "halo-too-few": (["--boundary", "halo", "--accuracy", "8"], "{d}/in.npy",
                     "dim 0 has 5 samples; accuracy 8 with its boundaries needs at least 9"),
    "period-no-dim": (["--coords", "1={d}/x6.npy", "--boundary", "periodic", "--period",
                       "36"], "--period", "'36' is not DIM=L"),
    "period-word": (["--coords", "1={d}/x6.npy", "--boundary", "periodic", "--period",
                     "1=long"], "--period", "'long' is not a number"),
    "period-zero": (["--coords", "1={d}/x6.npy", "--boundary", "periodic", "--period",
                     "1=0"], "--period 1=0", "the period must be nonzero"),
    "period-twice": (["--coords", "1={d}/x6.npy", "--boundary", "periodic", "--period",
                      "1=36", "--period", "-1=36"], "--period -1=36",
                     "dim -1 already has a period"),
    "period-not-periodic": (["--coords", "1={d}/x6.npy", "--period", "1=36"], "--period 1=36",
                            "dim 1 is not periodic (see --boundary)"),
    "period-uniform": (["--boundary", "periodic", "--period", "0=5"], "--period 0=5",
                       "dim 0 has a uniform spacing, which repeats by itself"),
    "period-missing": (["--coords", "1={d}/x6.npy", "--boundary", "periodic"], "--period",
                       "missing for dim 1, periodic over the coordinates of {d}/x6.npy: "
                       "give --period 1=L"),
    "period-dim-range": (["--period", "5=1"], "--period 5=1", "dim 5 is out of range"),
    "accuracy-3": (["--accuracy", "3"], "--accuracy", "'3' is not 2, 4, 6 or 8"),
    "accuracy-0": (["--accuracy", "0"], "--accuracy", "'0' is not 2, 4, 6 or 8"),
    "accuracy-10": (["--accuracy", "10"], "--accuracy", "'10' is not 2, 4, 6 or 8"),
    "accuracy-word": (["--accuracy", "high"], "--accuracy", "'high' is not 2, 4, 6 or 8"),
    "accuracy-too-few": (["--accuracy", "6"], "{d}/in.npy",
                         "dim 0 has 5 samples; accuracy 6 with its boundaries needs at least 7"),
    "strict-with-value": (["--strict=maybe"], "command line", "--strict = maybe"),
    "accuracy-without-input": (None, "--accuracy", "needs an INPUT"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_option_values(files, name):
    args, subject, phrase = BAD[name]
    d = files
    before = listing(d)
    if args is None:  # no INPUT: not the demonstration either
        r = run("--accuracy", "4")
    else:
        r = run(os.path.join(d, "in.npy"), "-o", os.path.join(d, "out.npy"),
                *[t.format(d=d) for t in args])
    assert_refused(r, subject.format(d=d), phrase.format(d=d), d, before)
    with open(os.path.join(d, "out.npy"), "rb") as f:
        assert f.read() == b"precious"


def test_boundary_spellings_agree(files):
    # One for all, a list in --dims order, DIM=MODE over a MODE, and comma lists of
    # DIM=MODE: the same boundaries give the same bits.
    d = files
    inp, out = os.path.join(d, "in.npy"), os.path.join(d, "out.npy")
    results = []
    spellings = [
        ["--boundary", "halo,periodic"],
        ["--boundary", "0=halo", "--boundary", "1=periodic"],
        ["--boundary", "1=periodic,0=halo"],
        ["--boundary", "periodic", "--boundary", "0=halo:halo"],
        ["--boundary", "0=halo", "--boundary", " periodic "],
        ["--boundary", "-2=halo", "--boundary", "1=periodic:periodic"],
    ]
    for args in spellings:
        r = run(inp, "-o", out, *args)
        assert r.returncode == 0, (args, r.stderr)
        results.append(np.load(out))
    assert results[0].shape == (2, 3, 6)
    assert all(same_bits(g, results[0]) for g in results[1:])
    # --dims order decides the list: dim 1 first.
    r = run(inp, "-o", out, "--dims", "1,0", "--boundary", "periodic,halo")
    assert r.returncode == 0, r.stderr
    assert same_bits(np.load(out), results[0][::-1])
