#!/usr/bin/python3
"""Plots effective GB/s per case from the benchmarks' CSV files (matplotlib, Debian's).

    /usr/bin/python3 bench/plot.py C_CSV PY_CSV OUT.png

Top: the C benchmark, numgrad against the naive streaming loop measured in the same run
on the same buffers, one pair of bars per case (2 threads; float64 and float32; scalar
spacing and coordinates; C and Fortran order; separate, stacked, staggered and offset outputs; edge_order 1).
Bottom: the Python benchmark, numgrad (fresh outputs and out=), numpy.gradient and
torch.gradient on the same arrays, with the streaming loop of the matching C case.
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    c_rows, py_rows, out = read(sys.argv[1]), read(sys.argv[2]), sys.argv[3]

    sel = [r for r in c_rows if r["threads"] == "2" and r["edge_order"] == "1"]
    labels = ["%s %s %s %s %s" % (r["shape"], r["dtype"], r["spacing"], r["order"],
                                  {"stacked": "stk", "staggered": "stg", "offset": "off"}.get(r["outputs"], "sep")) for r in sel]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(15, 11), gridspec_kw={"height_ratios": [3, 2]})
    x = range(len(sel))
    w = 0.4
    ax1.bar([i - w / 2 for i in x], [float(r["kernel_gbs"]) for r in sel], w, label="numgrad")
    ax1.bar([i + w / 2 for i in x], [float(r["loop_gbs"]) for r in sel], w,
            label="streaming loop (read once, write k, same buffers)")
    ax1.set_xticks(list(x))
    ax1.set_xticklabels(labels, rotation=75, ha="right", fontsize=7)
    ax1.set_ylabel("effective GB/s (input + k outputs)")
    ax1.set_title("C benchmark, 2 threads, edge_order 1: numgrad vs the streaming loop")
    ax1.legend()
    ax1.grid(axis="y", alpha=0.3)

    cases = []
    for r in py_rows:
        if r["case"] not in cases:
            cases.append(r["case"])
    names = []
    for r in py_rows:
        if r["contestant"] not in names and not r["contestant"].startswith("fresh pages"):
            names.append(r["contestant"])
    loop = {}
    for case in cases:  # the C loop for the same shape and dtype (2 threads, C order, separate)
        shape, dtype = case.split()[0], "f64" if "float64" in case else "f32"
        for r in c_rows:
            if (r["shape"] == shape and r["dtype"] == dtype and r["threads"] == "2"
                    and r["order"] == "C" and r["outputs"] == "separate"):
                loop[case] = float(r["loop_gbs"])
                break
    series = names + ["streaming loop (C)"]
    w = 0.8 / len(series)
    for j, name in enumerate(series):
        vals = []
        for case in cases:
            if name == "streaming loop (C)":
                vals.append(loop.get(case, 0.0))
            else:
                v = [float(r["gbs"]) for r in py_rows if r["case"] == case and r["contestant"] == name]
                vals.append(v[0] if v else 0.0)
        ax2.bar([i - 0.4 + w * (j + 0.5) for i in range(len(cases))], vals, w, label=name)
    ax2.set_xticks(list(range(len(cases))))
    ax2.set_xticklabels(cases, fontsize=8)
    ax2.set_ylabel("effective GB/s")
    ax2.set_title("Python: numgrad, numpy.gradient, torch.gradient (all axes; numgrad/torch default = 2 threads)")
    ax2.legend(fontsize=8, ncol=4)
    ax2.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    main()
