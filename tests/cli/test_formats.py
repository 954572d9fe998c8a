"""numgrad on .npy files of every supported dtype, memory order, header version and
descriptor spelling: the output must be bit-for-bit numpy.gradient's, stacked."""
import os
import stat

import numpy as np
import pytest

from conftest import listing, npy_bytes, run, same_bits, write

DTYPES = ["<f4", "<f8", "<c8", "<c16", "|i1", "<i2", "<i4", "<i8",
          "|u1", "<u2", "<u4", "<u8"]


def sample(dtype, shape, seed):
    """Values that exercise the dtype: full integer ranges, signed zeros, mixed scales."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)
    if dt.kind == "c":
        part = np.dtype("f%d" % (dt.itemsize // 2))
        re = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(part)
        im = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(part)
        return (re + 1j * im).astype(dt)
    return (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(dt)


def reference(a, spacing, axis, edge_order):
    """numpy.gradient, axis by axis, with SEMANTICS.md's rule for float32/complex64 on
    non-uniform coordinates: float64 arithmetic rounded once on store. numpy >= 2 does
    exactly that; numpy 1.24's value-based casting rounds the edge coefficients to
    float32 instead (and only for inputs of 2 or more dims), so the oracle there is
    numpy.gradient of the widened input, rounded."""
    axes = list(range(a.ndim)) if axis is None else [axis] if np.ndim(axis) == 0 else list(axis)
    if len(spacing) == 0:
        spacing = [1.0] * len(axes)
    elif len(spacing) == 1 and np.ndim(spacing[0]) == 0:
        spacing = list(spacing) * len(axes)
    out = []
    for ax, s in zip(axes, spacing):
        x = np.asarray(s, dtype=np.float64)
        wide = (a.dtype in (np.float32, np.complex64) and x.ndim == 1
                and not (np.diff(x) == np.diff(x)[0]).all())
        b = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64) if wide else a
        g = np.gradient(b, s, axis=ax, edge_order=edge_order)
        out.append(g.astype(a.dtype) if wide else g)
    return np.stack(out)


def check(d, a, args, spacing=(), axis=None, edge_order=1, name="in.npy"):
    out = os.path.join(d, "out.npy")
    r = run(os.path.join(d, name), "-o", out, *args)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    got = np.load(out)
    want = reference(a, spacing, axis, edge_order)
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    assert same_bits(got, want), "differs from numpy.gradient for %s %s" % (a.dtype, args)
    # Nothing beyond the data, no stray files.
    with open(out, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
    assert size == got.nbytes + _header_len(out)
    return got


def _header_len(path):
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        np.lib.format.read_array_header_1_0(f)
        return f.tell()


X1 = np.array([0.0, 0.5, 1.75, 2.0, 3.5])  # non-uniform coordinates for dim 1
XI = np.array([-3, 0, 4, 5, 9, 10, 30], dtype=np.int16)  # integer coordinates for dim 0

# (numgrad arguments with {d} for the work directory, numpy.gradient spacing, axis,
# edge_order)
CASES = {
    "all-dims": ([], (), None, 1),
    "dims-spacing-edge2": (["--dims", "-1,0", "--spacing", "0.5,3", "--edge-order", "2"],
                           (0.5, 3.0), (-1, 0), 2),
    "coords-edge2": (["--dims", "1", "--coords", "1={d}/x1.npy", "--edge-order", "2"],
                     (X1,), 1, 2),
    "coords-edge1": (["--dims", "1", "--coords", "1={d}/x1.npy"], (X1,), 1, 1),
    "coords-and-scalar": (["--spacing", "0.25", "--coords", "0={d}/xi.npy",
                           "--coords", "-2={d}/x1.npy"], (XI, X1, 0.25), None, 1),
    "dims-one-thread": (["--dims", "2,0", "--threads", "1"], (), (2, 0), 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_and_order(workdir, dtype, order, case):
    a = sample(dtype, (7, 5, 4), DTYPES.index(dtype))
    if order == "F":
        a = np.asfortranarray(a)
    np.save(os.path.join(workdir, "in.npy"), a)
    np.save(os.path.join(workdir, "x1.npy"), X1)
    np.save(os.path.join(workdir, "xi.npy"), XI)
    args, spacing, axis, edge_order = CASES[case]
    got = check(workdir, a, [t.format(d=workdir) for t in args], spacing=spacing, axis=axis,
                edge_order=edge_order)
    # The memory order of the output follows the input's.
    assert got.flags.f_contiguous if order == "F" else got.flags.c_contiguous


@pytest.mark.parametrize("version", [1, 2, 3])
@pytest.mark.parametrize("order", ["C", "F"])
def test_header_versions(workdir, version, order):
    a = sample("<f8", (6, 9), version)
    a = np.asfortranarray(a) if order == "F" else a
    with open(os.path.join(workdir, "in.npy"), "wb") as f:
        np.lib.format.write_array(f, a, version=(version, 0))
    check(workdir, a, ["--edge-order", "2"], edge_order=2)


@pytest.mark.parametrize("descr,dtype", [
    ("=f8", "<f8"), ("|f8", "<f8"), ("f8", "<f8"), ("=c16", "<c16"), ("=i4", "<i4"),
    ("<i1", "|i1"), (">i1", "|i1"), (">u1", "|u1"), ("=u2", "<u2"), ("|f4", "<f4"),
])
def test_descriptor_spellings(workdir, descr, dtype):
    a = sample(dtype, (5, 3), 7)
    write(os.path.join(workdir, "in.npy"), npy_bytes(descr, a.shape, a.tobytes()))
    check(workdir, a, [])


def test_old_header_style(workdir):
    # Python 2 era numpy: 'L' suffixed integers and 16-byte alignment.
    a = sample("<f8", (3, 4), 1)
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }"
    write(os.path.join(workdir, "in.npy"), npy_bytes(None, None, a.tobytes(), header=header,
                                                    align=16))
    check(workdir, a, [])


def test_semantics_reference_values(workdir):
    # From SEMANTICS.md: non-uniform coordinates and both edge orders.
    x = np.array([0, 1, 1.5, 3.5, 4, 6])
    f = np.array([1, 2, 4, 7, 11, 16], dtype=np.int64)
    np.save(os.path.join(workdir, "in.npy"), f)
    np.save(os.path.join(workdir, "x.npy"), x)
    g1 = check(workdir, f, ["--coords", "0=" + os.path.join(workdir, "x.npy")], spacing=(x,))
    assert np.allclose(g1[0], [1, 3, 3.5, 6.7, 6.9, 2.5])
    g2 = check(workdir, f, ["--coords", "0=" + os.path.join(workdir, "x.npy"), "--edge-order",
                            "2"], spacing=(x,), edge_order=2)
    assert np.allclose(g2[0], [-1, 3, 3.5, 6.7, 6.9, -1.9])
    i8 = np.array([-100, 100, -100], dtype=np.int8)
    np.save(os.path.join(workdir, "in.npy"), i8)
    assert check(workdir, i8, [])[0].tolist() == [200, 0, -200]


def test_degenerate_coordinates_give_numpys_nan_and_inf(workdir):
    f = np.array([1.0, 2.0, 4.0, 7.0])
    x = np.array([0.0, 1.0, 1.0, 2.0])
    np.save(os.path.join(workdir, "in.npy"), f)
    np.save(os.path.join(workdir, "x.npy"), x)
    with np.errstate(all="ignore"):
        got = check(workdir, f, ["--coords", "0=" + os.path.join(workdir, "x.npy")],
                    spacing=(x,))
    assert np.isnan(got[0, 1])


@pytest.mark.parametrize("cdtype", ["<f2", "<f4", ">f8", "|i1", ">i4", "<u8", "|u1"])
def test_coordinate_dtypes(workdir, cdtype):
    a = sample("<f8", (4, 6), 3)
    x = np.array([0, 1, 3, 4, 8, 9]).astype(cdtype)
    np.save(os.path.join(workdir, "in.npy"), a)
    np.save(os.path.join(workdir, "x.npy"), x)
    check(workdir, a, ["--coords", "1=" + os.path.join(workdir, "x.npy")],
          spacing=(1.0, x.astype(np.float64)))


def test_zero_results_and_empty_extents(workdir):
    out = os.path.join(workdir, "out.npy")
    inp = os.path.join(workdir, "in.npy")
    np.save(inp, np.array(5.0))  # 0-d: no dim, no result
    assert run(inp, "-o", out).returncode == 0
    got = np.load(out)
    assert got.shape == (0,) and got.dtype == np.float64
    np.save(inp, np.zeros((3, 4), np.int16))  # an empty --dims: no result either
    assert run(inp, "-o", out, "--dims", "").returncode == 0
    got = np.load(out)
    assert got.shape == (0, 3, 4) and got.dtype == np.float64
    np.save(inp, np.zeros((0, 5), np.float32))  # a dim of extent 0 not differentiated
    assert run(inp, "-o", out, "--dims", "1").returncode == 0
    got = np.load(out)
    assert got.shape == (1, 0, 5) and got.dtype == np.float32


def test_output_replaces_atomically(workdir):
    a = sample("<f8", (5, 5), 11)
    inp = os.path.join(workdir, "in.npy")
    out = os.path.join(workdir, "out.npy")
    np.save(inp, a)
    write(out, b"old content")
    os.chmod(out, 0o640)
    check(workdir, a, [])
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640  # an existing file's mode is kept
    assert listing(workdir) == ["in.npy", "out.npy"]  # no temporary file left


def test_output_through_a_symlink(workdir):
    a = sample("<f4", (4, 3), 12)
    inp = os.path.join(workdir, "in.npy")
    np.save(inp, a)
    os.mkdir(os.path.join(workdir, "real"))
    target = os.path.join(workdir, "real", "g.npy")
    write(target, b"old")
    link = os.path.join(workdir, "link.npy")
    os.symlink(target, link)
    assert run(inp, "-o", link).returncode == 0
    assert os.path.islink(link)
    assert same_bits(np.load(target), reference(a, (), None, 1))


def test_in_place(workdir):
    # The output may be the input itself: the old file stays mapped until the end.
    a = sample("<f8", (30, 20), 13)
    inp = os.path.join(workdir, "in.npy")
    np.save(inp, a)
    r = run(inp, "-o", inp, "--dims", "0")
    assert r.returncode == 0, r.stderr
    assert same_bits(np.load(inp), reference(a, (), 0, 1))


def test_threads_do_not_change_the_bits(workdir):
    a = sample("<c8", (64, 33, 17), 14)
    inp = os.path.join(workdir, "in.npy")
    np.save(inp, np.asfortranarray(a))
    outs = []
    for t in ["1", "2", "3"]:
        out = os.path.join(workdir, "out%s.npy" % t)
        assert run(inp, "-o", out, "--threads", t).returncode == 0
        outs.append(np.load(out))
    want = reference(a, (), None, 1)
    assert all(same_bits(o, want) for o in outs)


def test_relative_paths_and_verbose(workdir):
    a = sample("<i4", (3, 4), 15)
    np.save(os.path.join(workdir, "in.npy"), a)
    np.save(os.path.join(workdir, "x.npy"), np.arange(4.0) ** 2)
    r = run("in.npy", "-o", "out.npy", "--coords", "1=x.npy", "-v", cwd=workdir)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("numgrad: in.npy: int32 (3, 4), C order -> out.npy: float64 "
                               "(2, 3, 4)")
    assert same_bits(np.load(os.path.join(workdir, "out.npy")),
                     reference(a, (1.0, np.arange(4.0) ** 2), None, 1))


def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0
    for word in ["--output", "--spacing", "--coords", "--dims", "--edge-order", "--threads",
                 "--version", "Fortran", "--boundary", "--period", "--accuracy", "--strict",
                 "periodic", "halo"]:
        assert word in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("numgrad 0.")


def test_no_arguments_runs_the_demonstration():
    r = run()
    if os.environ.get("NUMGRAD_HAVE_DEMO") == "1":
        assert r.returncode == 0, r.stderr
        assert len(r.stdout.splitlines()) >= 4 and r.stderr == ""
    else:  # built without examples/: a one-line refusal
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
        assert r.stderr.startswith("numgrad: demonstration: ")
