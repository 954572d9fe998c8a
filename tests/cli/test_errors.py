"""Every way numgrad can refuse its input: a one-line "numgrad: SUBJECT: problem" on
stderr, exit status 2, nothing on stdout, and nothing written (a fresh output is not
created, an existing one is left byte for byte, no temporary file is left behind).

The corpus of malformed .npy files is generated here, from a valid file."""
import os
import struct

import numpy as np
import pytest

from conftest import listing, npy_bytes, run, write

F8 = np.arange(12, dtype="<f8").reshape(3, 4)
GOOD = npy_bytes("<f8", (3, 4), F8.tobytes())
HEADER_END = GOOD.index(b"\n") + 1  # 128


def with_header(text, data=F8.tobytes(), **kw):
    return npy_bytes(None, None, data, header=text, **kw)


def v1_header_len(content, hlen):
    return content[:8] + struct.pack("<H", hlen) + content[10:]


# name -> (file content, a phrase the message must contain)
CORPUS = {
    "empty": (b"", "empty file"),
    "short-magic": (b"\x93NUM", "truncated"),
    "preamble-only": (GOOD[:9], "truncated"),
    "bad-magic": (b"PK\x03\x04" + GOOD[4:], "not a .npy file"),
    "text-file": (b"x,y\n1,2\n3,4\n" * 20, "not a .npy file"),
    "version-4": (GOOD[:6] + b"\x04\x00" + GOOD[8:], "unsupported .npy format version 4.0"),
    "version-1.1": (GOOD[:6] + b"\x01\x01" + GOOD[8:], "unsupported .npy format version 1.1"),
    "version-0": (GOOD[:6] + b"\x00\x00" + GOOD[8:], "unsupported .npy format version 0.0"),
    "header-past-eof": (v1_header_len(GOOD, 60000), "truncated"),
    "cut-in-header": (GOOD[:60], "truncated"),
    "no-data": (GOOD[:HEADER_END], "truncated"),
    "one-byte-short": (GOOD[:-1], "truncated"),
    "one-element-short": (GOOD[:-8], "truncated"),
    "trailing-byte": (GOOD + b"\0", "1 unexpected byte after the data"),
    "trailing-element": (GOOD + b"\0" * 8, "8 unexpected bytes after the data"),
    "header-a-list": (with_header("['<f8', False, (3, 4)]"), "malformed header"),
    "header-empty-dict": (with_header("{}"), "no 'descr' key"),
    "no-shape": (with_header("{'descr': '<f8', 'fortran_order': False, }"), "no 'shape' key"),
    "no-fortran-order": (with_header("{'descr': '<f8', 'shape': (3, 4), }"),
                         "no 'fortran_order' key"),
    "extra-key": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), "
                              "'x': 1, }"), "unexpected key 'x'"),
    "duplicate-key": (with_header("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, "
                                  "'shape': (3, 4), }"), "duplicate key"),
    "descr-int": (with_header("{'descr': 8, 'fortran_order': False, 'shape': (3, 4), }"),
                  "'descr' is an integer"),
    "fortran-order-str": (with_header("{'descr': '<f8', 'fortran_order': 'no', "
                                      "'shape': (3, 4), }"), "'fortran_order' is a string"),
    "fortran-order-int": (with_header("{'descr': '<f8', 'fortran_order': 0, "
                                      "'shape': (3, 4), }"), "'fortran_order' is an integer"),
    "shape-list": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': [3, 4], }"),
                   "'shape' is a list"),
    "shape-int": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (12), }"),
                  "'shape' is an integer"),
    "shape-float": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3.0, 4), }"),
                    "malformed header"),
    "shape-str": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': ('3', 4), }"),
                  "'shape' entry is a string"),
    "shape-negative": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }"),
                       "negative extent -3"),
    "shape-huge": (with_header("{'descr': '<f8', 'fortran_order': False, "
                               "'shape': (4294967296, 4294967296), }"), "too large"),
    "shape-bytes-overflow": (with_header("{'descr': '<f8', 'fortran_order': False, "
                                         "'shape': (4611686018427387904,), }"), "too large"),
    "shape-int-overflow": (with_header("{'descr': '<f8', 'fortran_order': False, "
                                       "'shape': (99999999999999999999999,), }"), "too large"),
    "shape-ndim-33": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }"
                                  % ("1, " * 33), data=b"\0" * 8), "at most 32 dims"),
    "unterminated-string": (with_header("{'descr': '<f8, 'fortran_order': False, }"),
                            "malformed header"),
    "unbalanced": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)"),
                   "malformed header"),
    "text-after-dict": (with_header("{'descr': '<f8', 'fortran_order': False, "
                                    "'shape': (3, 4), } 42"), "unexpected text after the dict"),
    "nul-in-header": (with_header("{'descr': '<f8',\0'fortran_order': False, 'shape': (3, 4), }"),
                      "NUL"),
    "latin1-junk": (with_header("{'descr': '<f8', \xe9: False, 'shape': (3, 4), }"),
                    "malformed header"),
    "deep-nesting": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': %s3%s, }"
                                 % ("(" * 200, ")" * 200)), "malformed header"),
    "misaligned-data": (with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
                                    + " " * 56, align=1), "not aligned"),
    "float16": (npy_bytes("<f2", (3, 4), b"\0" * 24), "unsupported dtype '<f2'"),
    "bool": (npy_bytes("|b1", (3, 4), b"\0" * 12), "unsupported dtype '|b1' (bool)"),
    "unicode": (npy_bytes("<U3", (3, 4), b"\0" * 144), "unsupported dtype '<U3'"),
    "object": (npy_bytes("|O", (3, 4), b"\0" * 96), "unsupported dtype '|O'"),
    "datetime": (npy_bytes("<M8[ns]", (3, 4), b"\0" * 96), "unsupported dtype '<M8[ns]': numgrad reads"),
    "longdouble": (npy_bytes("<f16", (3, 4), b"\0" * 192), "unsupported dtype '<f16'"),
    "structured": (npy_bytes("[('a', '<f8'), ('b', '<i4')]", (3, 4), b"\0" * 144),
                   "structured"),
    "big-endian-f8": (npy_bytes(">f8", (3, 4), F8.astype(">f8").tobytes()), "big-endian"),
    "big-endian-i4": (npy_bytes(">i4", (3, 4), b"\0" * 48), "big-endian"),
    "big-endian-c16": (npy_bytes(">c16", (3, 4), b"\0" * 192), "big-endian"),
}


def assert_refused(r, subject, phrase, workdir=None, before=None):
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert r.stderr.endswith("\n")
    assert lines[0].startswith("numgrad: %s: " % subject), lines[0]
    assert phrase in lines[0], lines[0]
    if workdir is not None:
        assert listing(workdir) == before, "something was written"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_file(workdir, name):
    content, phrase = CORPUS[name]
    bad = write(os.path.join(workdir, "bad.npy"), content)
    out = os.path.join(workdir, "out.npy")
    before = listing(workdir)
    assert_refused(run(bad, "-o", out), bad, phrase, workdir, before)
    # An existing output stays as it was.
    write(out, b"precious")
    before = listing(workdir)
    assert_refused(run(bad, "-o", out), bad, phrase, workdir, before)
    with open(out, "rb") as f:
        assert f.read() == b"precious"


def test_the_corpus_base_is_valid(workdir):
    # The corpus is made by damaging this file; it must itself be accepted.
    good = write(os.path.join(workdir, "good.npy"), GOOD)
    out = os.path.join(workdir, "out.npy")
    r = run(good, "-o", out)
    assert r.returncode == 0, r.stderr
    assert np.array_equal(np.load(out), np.stack(np.gradient(F8)))


@pytest.fixture
def files(workdir):
    """A valid input, coordinates files and a precious existing output."""
    np.save(os.path.join(workdir, "in.npy"), F8)
    np.save(os.path.join(workdir, "small.npy"), F8[:2])
    np.save(os.path.join(workdir, "x4.npy"), np.array([0.0, 1.0, 3.0, 4.0]))
    np.save(os.path.join(workdir, "x5.npy"), np.arange(5.0))
    np.save(os.path.join(workdir, "x2d.npy"), np.zeros((2, 2)))
    np.save(os.path.join(workdir, "xc.npy"), np.arange(4.0) + 1j)
    np.save(os.path.join(workdir, "xb.npy"), np.array([True, False, True, False]))
    np.save(os.path.join(workdir, "x0d.npy"), np.array(4.0))
    write(os.path.join(workdir, "xcut.npy"), npy_bytes("<f8", (4,), b"\0" * 31))
    write(os.path.join(workdir, "out.npy"), b"precious")
    os.mkfifo(os.path.join(workdir, "fifo"))
    os.mkdir(os.path.join(workdir, "subdir"))
    return workdir


# (arguments, expected subject, phrase); {d} is the work directory. The output is
# {d}/out.npy unless the arguments name another.
CASES = {
    # files
    "missing-input": (["{d}/nope.npy", "-o", "{d}/out.npy"], "{d}/nope.npy",
                      "No such file or directory"),
    "input-directory": (["{d}/subdir", "-o", "{d}/out.npy"], "{d}/subdir", "is a directory"),
    "input-fifo": (["{d}/fifo", "-o", "{d}/out.npy"], "{d}/fifo", "not a regular file"),
    "output-dir-missing": (["{d}/in.npy", "-o", "{d}/no/such/dir/out.npy"],
                           "{d}/no/such/dir/out.npy", "No such file or directory"),
    "output-is-directory": (["{d}/in.npy", "-o", "{d}/subdir"], "{d}/subdir",
                            "is a directory"),
    "output-under-a-file": (["{d}/in.npy", "-o", "{d}/in.npy/out.npy"], "{d}/in.npy/out.npy",
                            "Not a directory"),
    "output-is-fifo": (["{d}/in.npy", "-o", "{d}/fifo"], "{d}/fifo", "not a regular file"),
    "output-read-only-fs": (["{d}/in.npy", "-o", "/proc/numgrad-test.npy"],
                            "/proc/numgrad-test.npy", "cannot create a file in /proc"),
    # coordinates
    "coords-wrong-length": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/x5.npy"],
                            "{d}/x5.npy", "5 coordinates, but dim 1 of {d}/in.npy has 4 samples"),
    "coords-2d": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/x2d.npy"],
                  "{d}/x2d.npy", "must be a 1-D array"),
    "coords-0d": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/x0d.npy"],
                  "{d}/x0d.npy", "must be a 1-D array"),
    "coords-complex": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/xc.npy"],
                       "{d}/xc.npy", "complex coordinates"),
    "coords-bool": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/xb.npy"],
                    "{d}/xb.npy", "unsupported dtype '|b1'"),
    "coords-missing": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/nope.npy"],
                       "{d}/nope.npy", "No such file or directory"),
    "coords-truncated": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/xcut.npy"],
                         "{d}/xcut.npy", "truncated"),
    "coords-not-differentiated": (["{d}/in.npy", "-o", "{d}/out.npy", "--dims", "0",
                                   "--coords", "1={d}/x4.npy"], "--coords 1={d}/x4.npy",
                                  "not differentiated"),
    "coords-dim-out-of-range": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "2={d}/x4.npy"],
                                "--coords 2={d}/x4.npy", "out of range"),
    "coords-twice": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "1={d}/x4.npy",
                      "--coords", "-1={d}/x4.npy"], "--coords -1={d}/x4.npy",
                     "already has coordinates"),
    "coords-no-dim": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "{d}/x4.npy"],
                      "--coords", "is not DIM=FILE.npy"),
    "coords-bad-dim": (["{d}/in.npy", "-o", "{d}/out.npy", "--coords", "a={d}/x4.npy"],
                       "--coords", "is not DIM=FILE.npy"),
    "coords-and-spacing-list": (["{d}/in.npy", "-o", "{d}/out.npy", "--spacing", "1,2",
                                 "--coords", "1={d}/x4.npy"], "--spacing", "has --coords"),
    "coords-and-spacing-count": (["{d}/in.npy", "-o", "{d}/out.npy", "--spacing", "1,2,3",
                                  "--coords", "1={d}/x4.npy"], "--spacing",
                                 "3 values for 2 differentiated dims"),
    # the library's own validation
    "edge-order-3": (["{d}/in.npy", "-o", "{d}/out.npy", "--edge-order", "3"], "--edge-order",
                     "'3' is not 1 or 2"),
    "edge-order-0": (["{d}/in.npy", "-o", "{d}/out.npy", "--edge-order", "0"], "--edge-order",
                     "'0' is not 1 or 2"),
    "dim-out-of-range": (["{d}/in.npy", "-o", "{d}/out.npy", "--dims", "2"], "{d}/in.npy",
                         "NG_ERR_DIM_RANGE"),
    "dim-repeated": (["{d}/in.npy", "-o", "{d}/out.npy", "--dims", "1,-1"], "{d}/in.npy",
                     "NG_ERR_DIM_REPEATED"),
    "too-few-points": (["{d}/in.npy", "-o", "{d}/out.npy", "--edge-order", "2", "--dims", "0",
                        "--spacing", "1", "--coords", "0={d}/x4.npy"], "{d}/x4.npy",
                       "4 coordinates, but dim 0 of {d}/in.npy has 3 samples"),
    "too-few-points-lib": (["{d}/small.npy", "-o", "{d}/out.npy", "--edge-order", "2"],
                           "{d}/small.npy", "NG_ERR_TOO_FEW_POINTS"),
    "spacing-count": (["{d}/in.npy", "-o", "{d}/out.npy", "--spacing", "1,2,3"], "{d}/in.npy",
                      "NG_ERR_SPACING_COUNT"),
    "threads-negative": (["{d}/in.npy", "-o", "{d}/out.npy", "--threads=-1"], "--threads",
                         "'-1' is not a thread count"),
    # the command line
    "spacing-not-a-number": (["{d}/in.npy", "-o", "{d}/out.npy", "--spacing", "1,x"],
                             "--spacing", "'x' is not a number"),
    "dims-not-integers": (["{d}/in.npy", "-o", "{d}/out.npy", "--dims", "0,1.5"], "--dims",
                          "'1.5' is not an integer dim"),
    "edge-order-word": (["{d}/in.npy", "-o", "{d}/out.npy", "--edge-order", "two"],
                        "--edge-order", "'two' is not 1 or 2"),
    "threads-word": (["{d}/in.npy", "-o", "{d}/out.npy", "--threads", "many"], "--threads",
                     "is not a thread count"),
    "no-output": (["{d}/in.npy"], "--output", "missing"),
    "output-without-input": (["-o", "{d}/out.npy"], "--output", "needs an INPUT"),
    "dims-without-input": (["--dims", "0"], "--dims", "needs an INPUT"),
    "unknown-option": (["{d}/in.npy", "-o", "{d}/out.npy", "--frobnicate"], "command line",
                       "--frobnicate"),
    "two-inputs": (["{d}/in.npy", "{d}/in.npy", "-o", "{d}/out.npy"], "command line",
                   "not expected"),
    "option-without-value": (["{d}/in.npy", "-o"], "command line", "--output"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_refused(files, name):
    args, subject, phrase = CASES[name]
    d = files
    before = listing(d)
    r = run(*[a.format(d=d) for a in args])
    assert_refused(r, subject.format(d=d), phrase.format(d=d), d, before)
    with open(os.path.join(d, "out.npy"), "rb") as f:
        assert f.read() == b"precious"
    assert os.path.isdir(os.path.join(d, "subdir")) and listing(os.path.join(d, "subdir")) == []


def test_output_on_a_full_disk(workdir):
    # /dev/full is not a directory we can write in; use a tiny loop-free stand-in: a
    # file size limit. RLIMIT_FSIZE makes the reservation fail with EFBIG.
    import resource
    import subprocess
    from conftest import NUMGRAD
    np.save(os.path.join(workdir, "in.npy"), np.zeros((64, 1024)))
    write(os.path.join(workdir, "out.npy"), b"precious")
    before = listing(workdir)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    r = subprocess.run([NUMGRAD, os.path.join(workdir, "in.npy"), "-o",
                        os.path.join(workdir, "out.npy")], capture_output=True, text=True,
                       preexec_fn=limit, timeout=60)
    assert_refused(r, os.path.join(workdir, "out.npy"), "cannot reserve", workdir, before)
    with open(os.path.join(workdir, "out.npy"), "rb") as f:
        assert f.read() == b"precious"
