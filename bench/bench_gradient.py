#!/usr/bin/python3
"""numgrad.gradient against numpy.gradient and torch.gradient, on the same arrays in one process.

Run with Debian's /usr/bin/python3 (its numpy and torch), the binding on PYTHONPATH and
the library in NUMGRAD_LIBRARY, e.g. from the repository root:

    PYTHONPATH=bindings/python NUMGRAD_LIBRARY=build/lib/libnumgrad.so \\
        /usr/bin/python3 bench/bench_gradient.py [--reps N] [--quick] [--csv FILE]

Contestants, per case (every axis differentiated):
  numgrad            numgrad.gradient(f, h), fresh outputs (allocation and first-touch
                     page faults included, as for numpy), default threads: one per CPU
                     (passed explicitly: importing torch sets the process's OpenMP
                     default to 1 thread, which numgrad would otherwise inherit)
  numgrad out=       numgrad.gradient(f, h, out=stacked), one preallocated (k,)+shape array
  numgrad 1t         the same as 'numgrad' on one thread
  numgrad out= 1t    the same as 'numgrad out=' on one thread
  numpy              numpy.gradient(f, h) (single-threaded)
  fresh pages,       k new arrays of f's shape (np.empty, as numgrad allocates them) with
  fresh pages 1t     one element of every 4 KiB page written, over the threads / one
                     thread: the OS zeroing new pages on first touch, which any call
                     returning fresh arrays pays. 'numgrad out=' plus this is the floor
                     of 'numgrad' (and the best ratio to torch fresh outputs allow)
  torch 1t, torch 2t torch.gradient(t, spacing=h) with torch.set_num_threads(1) / (2),
                     t = torch.from_numpy(f) (no copy)

Times are medians of --reps rounds, each round running every contestant once, in an
order rotated from round to round (so a busy machine slows all of them alike). Before
each timed call 1 GiB is allocated, touched and freed (--no-prefault: not), so that
every contestant finds the process's freed memory ready: in a virtual machine that
returns freed guest memory to the host (free page reporting), the first large
allocation after a pause otherwise pays the host's page faults, 300-800 ms here. Peak extra memory is the high-water mark of the
process's resident set during one call (reset through /proc/self/clear_refs), less the
resident set before it and less the outputs the call returns: what a call needs beyond
its results. numpy's is also cross-checked with tracemalloc.
"""

import argparse
import concurrent.futures
import gc
import os
import statistics
import sys
import time
import tracemalloc

import numpy as np

try:
    import torch
except ImportError:  # the benchmark still runs, without the torch columns
    torch = None

import numgrad


def rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_extra_mib(call, result_bytes):
    """Peak resident memory a call needs beyond its results, in MiB (None if unknown)."""
    gc.collect()
    if not reset_peak():
        return None
    before = rss_kib("VmRSS")
    result = call()
    peak = rss_kib("VmHWM")
    del result
    gc.collect()
    return max(0.0, (peak - before) * 1024.0 - result_bytes) / 2**20


def traced_extra_mib(call, result_bytes):
    """The same through tracemalloc (sees numpy's allocations, not torch's)."""
    gc.collect()
    tracemalloc.start()
    result = call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return max(0.0, peak - result_bytes) / 2**20


def cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def prefault(nbytes=1 << 30):
    """Allocates, touches and frees nbytes (see the module's docstring)."""
    block = np.empty(nbytes // 8)
    block.fill(0.0)
    del block


def fresh_pages(shape, dtype, k, threads, pool):
    """k new arrays with one element of every 4 KiB page written (see the docstring)."""
    outs = tuple(np.empty(shape, dtype) for _ in range(k))
    step = max(1, 4096 // np.dtype(dtype).itemsize)
    parts = []
    for o in outs:
        flat = o.reshape(-1)
        chunk = -(-flat.size // threads)
        parts += [flat[i * chunk:(i + 1) * chunk:step] for i in range(threads)]
    if threads == 1:
        for part in parts:
            part.fill(0)
    else:  # numpy releases the GIL while it fills
        list(pool.map(lambda part: part.fill(0), parts))
    return outs


def contestants(f, h, k, pool):
    stacked = np.empty((k,) + f.shape, dtype=f.dtype)
    stacked.fill(0)  # touched: out= measures the kernel, not page faults
    n = cpus()
    out = {
        "numgrad": (lambda: numgrad.gradient(f, h, threads=n), k * f.nbytes),
        "numgrad out=": (lambda: numgrad.gradient(f, h, out=stacked, threads=n), 0),
        "numgrad 1t": (lambda: numgrad.gradient(f, h, threads=1), k * f.nbytes),
        "numgrad out= 1t": (lambda: numgrad.gradient(f, h, out=stacked, threads=1), 0),
        "numpy": (lambda: np.gradient(f, h), k * f.nbytes),
        "fresh pages": (lambda: fresh_pages(f.shape, f.dtype, k, n, pool), k * f.nbytes),
        "fresh pages 1t": (lambda: fresh_pages(f.shape, f.dtype, k, 1, pool), k * f.nbytes),
    }
    if torch is not None:
        t = torch.from_numpy(f)

        def torch_call(n):
            def call():
                torch.set_num_threads(n)
                return torch.gradient(t, spacing=h)
            return call

        out["torch 1t"] = (torch_call(1), k * f.nbytes)
        out["torch 2t"] = (torch_call(2), k * f.nbytes)
    return out, stacked


def check_equal(f, h):
    """numgrad gives numpy's bits on the benchmark arrays (a sanity check, not the test)."""
    want = np.gradient(f, h)
    got = numgrad.gradient(f, h)
    if f.ndim == 1:
        want, got = [want], [got]
    for w, g in zip(want, got):
        if w.tobytes() != g.tobytes():
            raise SystemExit("numgrad and numpy.gradient differ on the benchmark array")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--quick", action="store_true", help="tiny arrays, 1 repetition")
    ap.add_argument("--csv", help="write the results here")
    ap.add_argument("--no-prefault", action="store_true",
                    help="do not touch 1 GiB of memory before each timed call")
    ap.add_argument("--cases", default="all",
                    help="comma-separated subset of: 3d, 3d-unit, 3d-f32, 2d, 1d, 3d-64")
    args = ap.parse_args()
    reps = 1 if args.quick else max(1, args.reps)

    rng = np.random.default_rng(0)
    big = {
        "3d": ((256, 256, 256), np.float64, 0.1),
        "3d-unit": ((256, 256, 256), np.float64, 1.0),
        "3d-f32": ((256, 256, 256), np.float32, 0.1),
        "2d": ((4096, 4096), np.float64, 0.1),
        "1d": ((1 << 24,), np.float64, 0.1),
        "3d-64": ((64, 64, 64), np.float64, 0.1),  # outputs that stay in cache
    }
    small = {"3d": ((24, 20, 16), np.float64, 0.1), "1d": ((5000,), np.float64, 0.1)}
    table = small if args.quick else big
    names = list(table) if args.cases == "all" else args.cases.split(",")

    print("numgrad %s (library %s), numpy %s, torch %s; %d rounds, medians; numgrad's "
          "default threads: %d" % (numgrad.__version__, numgrad.LIBRARY_PATH, np.__version__,
                                   torch.__version__ if torch else "absent", reps, cpus()))
    print()
    print("| case | contestant | ms | GB/s | numgrad speed-up | peak extra MiB |")
    print("|---|---|---|---|---|---|")
    rows = []
    pool = concurrent.futures.ThreadPoolExecutor(cpus())
    for name in names:
        shape, dtype, h = table[name]
        f = rng.standard_normal(shape).astype(dtype)
        k = f.ndim
        check_equal(f, h)
        calls, stacked = contestants(f, h, k, pool)
        for call, _ in calls.values():  # warm-up: libraries loaded, threads started
            call()
        times = {c: [] for c in calls}
        order = list(calls)
        for r in range(reps):
            for c in order[r % len(order):] + order[:r % len(order)]:
                call = calls[c][0]
                gc.collect()
                if not args.no_prefault and not args.quick:
                    prefault()
                t0 = time.perf_counter()
                result = call()
                times[c].append(time.perf_counter() - t0)
                del result
        med = {c: statistics.median(v) for c, v in times.items()}
        memory = {c: peak_extra_mib(call, rb) for c, (call, rb) in calls.items()}
        traced = traced_extra_mib(calls["numpy"][0], calls["numpy"][1])
        traced_ng = traced_extra_mib(calls["numgrad"][0], calls["numgrad"][1])
        moved = f.nbytes * (1 + k)
        label = "%s %s h=%g" % ("x".join(map(str, shape)), np.dtype(dtype).name, h)
        for c in calls:
            # speed-up of numgrad over this contestant, at equal threads for torch
            if c.startswith("numpy"):
                ref = "%.1fx (fresh) / %.1fx (out=)" % (med[c] / med["numgrad"],
                                                         med[c] / med["numgrad out="])
            elif c == "torch 1t":
                ref = "%.1fx (fresh) / %.1fx (out=), 1 thread; floor of fresh: %.1fx" % (
                    med[c] / med["numgrad 1t"], med[c] / med["numgrad out= 1t"],
                    med[c] / (med["numgrad out= 1t"] + med["fresh pages 1t"]))
            elif c == "torch 2t":
                ref = "%.1fx (fresh) / %.1fx (out=), %d threads; floor of fresh: %.1fx" % (
                    med[c] / med["numgrad"], med[c] / med["numgrad out="], cpus(),
                    med[c] / (med["numgrad out="] + med["fresh pages"]))
            elif c.startswith("fresh pages"):
                sfx = " 1t" if c.endswith(" 1t") else ""  # the numgrad rows of its thread count
                ref = "numgrad%s fresh less out=: %.1f ms" % (
                    sfx, 1e3 * (med["numgrad" + sfx] - med["numgrad out=" + sfx]))
            else:
                ref = ""
            mem = "?" if memory[c] is None else "%.0f" % memory[c]
            if c == "numpy":
                mem += " (tracemalloc %.0f)" % traced
            if c == "numgrad":
                mem += " (tracemalloc %.0f)" % traced_ng
            gbs = None if c.startswith("fresh pages") else moved / med[c] * 1e-9  # no gradient
            print("| %s | %s | %.1f | %s | %s | %s |"
                  % (label, c, med[c] * 1e3, "-" if gbs is None else "%.1f" % gbs, ref, mem))
            rows.append((label, c, med[c] * 1e3, gbs, memory[c]))
            sys.stdout.flush()
        del calls, stacked, f
        gc.collect()
    if args.csv:
        with open(args.csv, "w") as out:
            out.write("case,contestant,ms,gbs,peak_extra_mib\n")
            for label, c, ms, gbs, mem in rows:
                out.write("%s,%s,%.4f,%s,%s\n" % (label, c, ms, "" if gbs is None else "%.3f" % gbs,
                                                 "" if mem is None else "%.1f" % mem))
    return 0


if __name__ == "__main__":
    sys.exit(main())
