"""numgrad on a 3 GiB input: both files are memory-mapped, so the process's anonymous
memory (RssAnon, sampled from /proc/PID/status while it runs) stays small and does
not grow with the file; the numbers are still numpy.gradient's; and a run killed
half-way leaves no partial output.

The input is a sparse file (a header, then holes), with a few patches of random
values: at both ends and across the 2 GiB byte offset, where 32-bit offsets break."""
import os
import signal
import subprocess
import time

import numpy as np
import pytest

from conftest import NUMGRAD, listing, npy_bytes, same_bits, write

COLS = 1024
BIG_ROWS = 786432           # float32: 3 GiB of data
SMALL_ROWS = 4096           # 16 MiB: the baseline
MIB = 1 << 20


def header_for(rows):
    return npy_bytes("<f4", (rows, COLS))


def patches(rows):
    """Row ranges [r0, r1) that get random values."""
    hdr = len(header_for(rows))
    row_bytes = COLS * 4
    r2g = (2**31 - hdr) // row_bytes  # the row holding byte 2^31 of the file
    spans = [(0, 4), (rows // 3, rows // 3 + 3), (r2g - 2, r2g + 3), (rows - 4, rows)]
    return [(max(0, a), min(rows, b)) for a, b in spans if a < rows]


def make_input(path, rows):
    hdr = header_for(rows)
    rng = np.random.default_rng(rows)
    with open(path, "wb") as f:
        f.write(hdr)
        f.truncate(len(hdr) + rows * COLS * 4)  # sparse: no disk blocks for the holes
        for r0, r1 in patches(rows):
            block = (rng.standard_normal((r1 - r0, COLS)) * 100).astype("<f4")
            f.seek(len(hdr) + r0 * COLS * 4)
            f.write(block.tobytes())


def status_kib(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def run_sampled(args, on_sample=None):
    """Runs numgrad, sampling RssAnon/RssFile every few ms; returns (proc, peaks in MiB)."""
    p = subprocess.Popen([NUMGRAD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    peak_anon = peak_file = 0
    samples = 0
    while p.poll() is None:
        anon = status_kib(p.pid, "RssAnon")
        rfile = status_kib(p.pid, "RssFile")
        if anon is not None:
            peak_anon = max(peak_anon, anon)
            peak_file = max(peak_file, rfile or 0)
            samples += 1
            if on_sample and on_sample(p, anon, rfile):
                break
        time.sleep(0.005)
    out, err = p.communicate(timeout=300)
    p.stdout_text, p.stderr_text = out, err
    return p, peak_anon / 1024, peak_file / 1024, samples


@pytest.fixture(scope="module")
def big_input():
    if not NUMGRAD:
        pytest.fail("set NUMGRAD to the numgrad executable (meson test does)")
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix="numgrad-cli-large-")
    try:
        path = os.path.join(d, "big.npy")
        make_input(path, BIG_ROWS)
        yield path
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_patches(inp, out, rows):
    a = np.load(inp, mmap_mode="r")
    g = np.load(out, mmap_mode="r")
    assert g.shape == (1, rows, COLS) and g.dtype == np.float32
    for r0, r1 in patches(rows):
        lo, hi = max(0, r0 - 2), min(rows, r1 + 2)
        want = np.gradient(np.array(a[lo:hi]), axis=0)
        # Rows whose stencil lies inside the window (the window's own edges are
        # true edges only where it touches the array's).
        keep_lo = lo if lo == 0 else lo + 1
        keep_hi = hi if hi == rows else hi - 1
        assert same_bits(g[0, keep_lo:keep_hi], want[keep_lo - lo:keep_hi - lo]), (r0, r1)
    rng = np.random.default_rng(1)
    for r in rng.integers(0, rows, 40):
        if all(not (a0 - 2 <= r < a1 + 2) for a0, a1 in patches(rows)):
            assert not np.any(g[0, r]), r


def test_memory_stays_small_and_results_exact(big_input, workdir):
    small = os.path.join(workdir, "small.npy")
    make_input(small, SMALL_ROWS)
    out_small = os.path.join(workdir, "small-grad.npy")
    p, small_anon, _, _ = run_sampled([small, "-o", out_small, "--dims", "0"])
    assert p.returncode == 0, p.stderr_text
    check_patches(small, out_small, SMALL_ROWS)

    out = os.path.join(workdir, "big-grad.npy")
    p, anon, rfile, samples = run_sampled([big_input, "-o", out, "--dims", "0"])
    assert p.returncode == 0, p.stderr_text
    assert samples >= 10, "the run was too short to sample"
    print("RssAnon peak: %.1f MiB (16 MiB input: %.1f MiB); RssFile peak %.0f MiB; %d samples"
          % (anon, small_anon, rfile, samples))
    # 3 GiB in, 3 GiB out, and a few MiB of anonymous memory, as for 16 MiB.
    assert anon < 48, anon
    assert anon < small_anon + 8, (anon, small_anon)
    assert os.path.getsize(out) == len(header_for(BIG_ROWS)) + BIG_ROWS * COLS * 4
    check_patches(big_input, out, BIG_ROWS)
    os.unlink(out)


def test_killed_run_leaves_the_old_output(big_input, workdir):
    out = os.path.join(workdir, "out.npy")
    write(out, b"precious")
    before = listing(workdir)

    def kill_when_under_way(proc, anon, rfile):
        # Under way: the temporary output exists and pages are being mapped in.
        temp = [n for n in os.listdir(workdir) if n.startswith(".out.npy.numgrad-")]
        if temp and rfile and rfile > 256 * 1024:
            proc.send_signal(signal.SIGTERM)
            return True
        return False

    p, _, _, _ = run_sampled([big_input, "-o", out, "--dims", "0"], kill_when_under_way)
    assert p.returncode == -signal.SIGTERM, (p.returncode, p.stderr_text)
    assert listing(workdir) == before  # no partial output, no temporary file
    with open(out, "rb") as f:
        assert f.read() == b"precious"


def test_input_shrinking_under_the_mapping(workdir):
    # A file truncated while numgrad maps it: SIGBUS becomes a one-line error, and the
    # temporary output is removed.
    rows = 262144  # 1 GiB
    inp = os.path.join(workdir, "in.npy")
    make_input(inp, rows)
    out = os.path.join(workdir, "out.npy")

    def shrink(proc, anon, rfile):
        temp = [n for n in os.listdir(workdir) if n.startswith(".out.npy.numgrad-")]
        if temp and rfile and rfile > 64 * 1024:
            os.truncate(inp, 4096)
            return True
        return False

    p, _, _, _ = run_sampled([inp, "-o", out, "--dims", "0", "--threads", "1"], shrink)
    if p.returncode == 0:
        pytest.skip("the run ended before the input could be truncated")
    assert p.returncode == 2, p.stderr_text
    assert p.stderr_text.startswith("numgrad: %s: read error in the mapped file" % inp)
    assert len(p.stderr_text.splitlines()) == 1
    assert listing(workdir) == ["in.npy"]
