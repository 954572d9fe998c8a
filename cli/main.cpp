// main.cpp: the numgrad command. Differentiates a .npy file with ng_gradient and writes
// the k partial derivatives as one stacked .npy of shape (k,) + input shape (less the
// halo cells of halo boundaries). Input and output are memory-mapped, so files larger
// than memory work; the output appears only when complete. With no arguments it runs
// the built-in demonstration.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "files.hpp"
#include "npy.hpp"
#include "numgrad.h"

#ifdef NUMGRAD_HAVE_DEMO
#include "convergence_demo.h"  // examples/: int ng_convergence_demo(FILE *out)
#endif

namespace {

using cli::Failure;

struct Arguments {
    std::string input, output, spacing, dims, edge_order, threads, accuracy;
    std::vector<std::string> coords, boundary, period;
    bool strict = false, verbose = false;
};

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        std::size_t p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) return out;
        start = p + 1;
    }
}

std::string trim(const std::string &s) {
    std::size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

int32_t parse_int(const std::string &text, const std::string &option, const char *what) {
    std::string t = trim(text);
    char *end = nullptr;
    errno = 0;
    long long v = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || errno == ERANGE || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max())
        throw Failure(option, "'" + text + "' is not " + what);
    return static_cast<int32_t>(v);
}

double parse_double(const std::string &text, const std::string &option) {
    std::string t = trim(text);
    char *end = nullptr;
    errno = 0;
    double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0' || (errno == ERANGE && std::isinf(v)))
        throw Failure(option, "'" + text + "' is not a number");
    return v;
}

// The shortest text that reads back as v ("0.1", not "0.10000000000000001").
std::string number(double v) {
    char buf[64];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// The boundaries of one differentiated dim: ng_boundary_mode values.
struct Sides {
    int32_t lower = NG_BOUNDARY_EDGE, upper = NG_BOUNDARY_EDGE;
};

bool parse_side(const std::string &text, int32_t &mode) {
    const std::string t = trim(text);
    if (t == "edge") mode = NG_BOUNDARY_EDGE;
    else if (t == "periodic") mode = NG_BOUNDARY_PERIODIC;
    else if (t == "halo") mode = NG_BOUNDARY_HALO;
    else return false;
    return true;
}

// MODE: edge, periodic, halo, or LOWER:UPPER for the two ends of a dim.
Sides parse_mode(const std::string &text, const std::string &option) {
    Sides b;
    const std::size_t colon = text.find(':');
    const bool ok = colon == std::string::npos
                        ? parse_side(text, b.lower) && parse_side(text, b.upper)
                        : parse_side(text.substr(0, colon), b.lower) &&
                              parse_side(text.substr(colon + 1), b.upper);
    if (!ok)
        throw Failure(option, "'" + text + "' is not a boundary: give edge, periodic, halo or "
                                           "LOWER:UPPER (such as halo:edge)");
    if ((b.lower == NG_BOUNDARY_PERIODIC) != (b.upper == NG_BOUNDARY_PERIODIC))
        throw Failure(option, "'" + text + "' is periodic at one end only: periodic samples "
                                           "wrap around, so give periodic for both ends");
    return b;
}

const char *dtype_name(int32_t t) {
    switch (t) {
    case NG_FLOAT32: return "float32";
    case NG_FLOAT64: return "float64";
    case NG_COMPLEX64: return "complex64";
    case NG_COMPLEX128: return "complex128";
    case NG_INT8: return "int8";
    case NG_INT16: return "int16";
    case NG_INT32: return "int32";
    case NG_INT64: return "int64";
    case NG_UINT8: return "uint8";
    case NG_UINT16: return "uint16";
    case NG_UINT32: return "uint32";
    case NG_UINT64: return "uint64";
    }
    return "?";
}

int32_t dtype_of(const npy::Descr &d) {
    static const struct {
        char kind;
        int size;
        int32_t dtype;
    } table[] = {{'f', 4, NG_FLOAT32}, {'f', 8, NG_FLOAT64},  {'c', 8, NG_COMPLEX64},
                 {'c', 16, NG_COMPLEX128}, {'i', 1, NG_INT8}, {'i', 2, NG_INT16},
                 {'i', 4, NG_INT32},   {'i', 8, NG_INT64},    {'u', 1, NG_UINT8},
                 {'u', 2, NG_UINT16},  {'u', 4, NG_UINT32},   {'u', 8, NG_UINT64}};
    for (const auto &e : table)
        if (e.kind == d.kind && e.size == d.size) return e.dtype;
    return 0;  // MappedInput has rejected every other descriptor
}

// The numpy descriptor of a result dtype in this machine's byte order.
std::string descr_of(int32_t t) {
    std::string kind;
    switch (t) {
    case NG_FLOAT32: kind = "f4"; break;
    case NG_FLOAT64: kind = "f8"; break;
    case NG_COMPLEX64: kind = "c8"; break;
    case NG_COMPLEX128: kind = "c16"; break;
    default: kind = "f8"; break;
    }
    return std::string(1, npy::native_order()) + kind;
}

int run_demo() {
#ifdef NUMGRAD_HAVE_DEMO
    std::fflush(stdout);
    int rc = ng_convergence_demo(stdout);
    std::fflush(stdout);
    if (rc != 0) {
        // The demonstration checks itself: the observed orders were not about 1 and 2.
        std::fprintf(stderr, "numgrad: demonstration: the observed orders of convergence "
                             "are not the expected 1 and 2\n");
        return 2;
    }
    return 0;
#else
    std::fprintf(stderr,
                 "numgrad: demonstration: not built into this numgrad; give an INPUT file "
                 "(see numgrad --help)\n");
    return 2;
#endif
}

int run(const Arguments &a) {
    // ---- the input: validated and mapped, nothing read beyond the header ----
    cli::MappedInput in(a.input);
    const npy::Header &h = in.header();
    const int ndim = static_cast<int>(h.shape.size());
    const int32_t dtype = dtype_of(h.descr);

    // ---- dims ----
    // An empty --dims (given as " " by main) differentiates no dim at all.
    const bool have_dims = !a.dims.empty();
    std::vector<int32_t> dims;
    if (!trim(a.dims).empty())
        for (const std::string &t : split(a.dims, ','))
            dims.push_back(parse_int(t, "--dims", "an integer dim"));
    const int k = have_dims ? static_cast<int>(dims.size()) : ndim;
    // The dim each result belongs to, -1 when out of range (ng_gradient reports it).
    std::vector<int> axis(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
        int d = have_dims ? dims[static_cast<std::size_t>(i)] : i;
        if (d < 0) d += ndim;
        axis[static_cast<std::size_t>(i)] = d >= 0 && d < ndim ? d : -1;
    }

    // The result slot of the dim of `spec` (DIM=...), for --coords, --boundary, --period.
    // `d` receives the dim as given.
    auto slot_of = [&](const std::string &spec, const std::string &option, const char *form,
                       int32_t &d) -> int {
        const std::size_t eq = spec.find('=');
        d = parse_int(spec.substr(0, eq), option, form);
        const std::string opt = option + " " + spec;
        const int nd = d < 0 ? d + ndim : d;
        if (nd < 0 || nd >= ndim)
            throw Failure(opt, "dim " + std::to_string(d) + " is out of range for the " +
                                   std::to_string(ndim) + "-d array in " + a.input);
        for (int i = 0; i < k; ++i)
            if (axis[static_cast<std::size_t>(i)] == nd) return i;
        throw Failure(opt, "dim " + std::to_string(d) + " is not differentiated (see --dims)");
    };

    // ---- accuracy: the halo width is accuracy / 2 ----
    int32_t accuracy = 2;
    if (!a.accuracy.empty()) {
        accuracy = parse_int(a.accuracy, "--accuracy", "2, 4, 6 or 8");
        if (accuracy != 2 && accuracy != 4 && accuracy != 6 && accuracy != 8)
            throw Failure("--accuracy", "'" + a.accuracy + "' is not 2, 4, 6 or 8");
    }

    // ---- spacing and coordinates ----
    std::vector<double> scalars;
    if (!a.spacing.empty())
        for (const std::string &t : split(a.spacing, ','))
            scalars.push_back(parse_double(t, "--spacing"));
    std::vector<std::vector<double>> coord_values(static_cast<std::size_t>(k));
    std::vector<bool> has_coords(static_cast<std::size_t>(k), false);
    std::vector<std::string> coords_file(static_cast<std::size_t>(k));
    for (const std::string &spec : a.coords) {
        std::size_t eq = spec.find('=');
        if (eq == std::string::npos || eq + 1 == spec.size())
            throw Failure("--coords", "'" + spec + "' is not DIM=FILE.npy");
        int32_t dim = 0;
        const auto us = static_cast<std::size_t>(
            slot_of(spec, "--coords", "DIM=FILE.npy with an integer DIM", dim));
        const std::string d = std::to_string(dim);
        if (has_coords[us])
            throw Failure("--coords " + spec, "dim " + d + " already has coordinates");
        const int64_t n = h.shape[static_cast<std::size_t>(axis[us])];
        coords_file[us] = spec.substr(eq + 1);
        coord_values[us] = cli::read_coordinates(
            coords_file[us], n, "dim " + d + " of " + a.input + " has " + std::to_string(n) +
                                    " samples");
        has_coords[us] = true;
    }
    std::vector<ng_spacing> spacing;
    if (a.coords.empty()) {
        // Scalars only: ng_gradient checks their count (0, 1 or one per dim).
        for (double v : scalars) {
            ng_spacing s = NG_SPACING_UNIT_INIT;
            s.kind = NG_SPACING_SCALAR;
            s.h = v;
            spacing.push_back(s);
        }
    } else {
        if (scalars.size() > 1 && static_cast<int>(scalars.size()) != k)
            throw Failure("--spacing", std::to_string(scalars.size()) + " values for " +
                                           std::to_string(k) + " differentiated dims");
        for (int i = 0; i < k; ++i) {
            ng_spacing s = NG_SPACING_UNIT_INIT;
            const auto ui = static_cast<std::size_t>(i);
            if (has_coords[ui]) {
                if (scalars.size() > 1)
                    throw Failure("--spacing", "value " + std::to_string(i + 1) +
                                                   " is for a dim that has --coords; give 1 "
                                                   "value, or use --coords for every dim");
                s.kind = NG_SPACING_COORDS;
                s.coords = coord_values[ui].data();
                s.ncoords = static_cast<int64_t>(coord_values[ui].size());
            } else if (!scalars.empty()) {
                s.kind = NG_SPACING_SCALAR;
                s.h = scalars.size() == 1 ? scalars[0] : scalars[ui];
            }
            spacing.push_back(s);
        }
    }

    // ---- boundaries: MODE or M1,M2,.. for every dim, then DIM=MODE for single dims ----
    std::vector<Sides> sides(static_cast<std::size_t>(k));
    std::vector<bool> has_sides(static_cast<std::size_t>(k), false);
    std::string every;  // the --boundary value that set every dim
    std::vector<std::pair<int, Sides>> single;
    for (const std::string &spec : a.boundary) {
        const std::vector<std::string> entries = split(spec, ',');
        std::size_t named = 0;
        for (const std::string &e : entries) named += e.find('=') != std::string::npos;
        if (named == 0) {
            if (!every.empty())
                throw Failure("--boundary", "'" + every + "' and '" + spec +
                                                "' both set every dim; give one of them, and "
                                                "DIM=MODE for single dims");
            every = spec;
            if (entries.size() == 1) {
                const Sides b = parse_mode(entries[0], "--boundary");
                std::fill(sides.begin(), sides.end(), b);
            } else if (static_cast<int>(entries.size()) == k) {
                for (int i = 0; i < k; ++i)
                    sides[static_cast<std::size_t>(i)] =
                        parse_mode(entries[static_cast<std::size_t>(i)], "--boundary");
            } else {
                throw Failure("--boundary", std::to_string(entries.size()) + " modes for " +
                                                std::to_string(k) + " differentiated dims");
            }
        } else if (named == entries.size()) {
            for (const std::string &e : entries) {
                if (e.find('=') + 1 == e.size())
                    throw Failure("--boundary", "'" + e + "' is not DIM=MODE");
                int32_t dim = 0;
                const int slot = slot_of(e, "--boundary", "DIM=MODE with an integer DIM", dim);
                if (has_sides[static_cast<std::size_t>(slot)])
                    throw Failure("--boundary " + e,
                                  "dim " + std::to_string(dim) + " already has a boundary");
                has_sides[static_cast<std::size_t>(slot)] = true;
                single.emplace_back(slot, parse_mode(e.substr(e.find('=') + 1), "--boundary"));
            }
        } else {
            throw Failure("--boundary", "'" + spec + "' mixes MODE and DIM=MODE entries: give "
                                                     "each kind in its own --boundary");
        }
    }
    for (const auto &s : single) sides[static_cast<std::size_t>(s.first)] = s.second;

    // ---- periods of periodic coordinates ----
    std::vector<double> period(static_cast<std::size_t>(k), 0.0);
    std::vector<std::string> period_spec(static_cast<std::size_t>(k));
    for (const std::string &spec : a.period) {
        const std::size_t eq = spec.find('=');
        if (eq == std::string::npos || eq + 1 == spec.size())
            throw Failure("--period", "'" + spec + "' is not DIM=L");
        int32_t dim = 0;
        const auto us =
            static_cast<std::size_t>(slot_of(spec, "--period", "DIM=L with an integer DIM", dim));
        const std::string opt = "--period " + spec, d = std::to_string(dim);
        if (!period_spec[us].empty())
            throw Failure(opt, "dim " + d + " already has a period");
        const double L = parse_double(spec.substr(eq + 1), "--period");
        if (sides[us].lower != NG_BOUNDARY_PERIODIC)
            throw Failure(opt, "dim " + d + " is not periodic (see --boundary)");
        if (!has_coords[us])
            throw Failure(opt, "dim " + d + " has a uniform spacing, which repeats by itself; "
                                            "a period is for periodic --coords");
        if (L == 0)
            throw Failure(opt, "the period must be nonzero: x[n] = x[0] + L");
        period[us] = L;
        period_spec[us] = spec;
    }
    for (int i = 0; i < k; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        if (sides[ui].lower == NG_BOUNDARY_PERIODIC && has_coords[ui] && period_spec[ui].empty())
            throw Failure("--period", "missing for dim " + std::to_string(axis[ui]) +
                                          ", periodic over the coordinates of " +
                                          coords_file[ui] + ": give --period " +
                                          std::to_string(axis[ui]) +
                                          "=L so that x[n] = x[0] + L");
    }

    // ---- strict: the library checks too; here the messages name the file or option ----
    if (a.strict)
        for (int i = 0; i < k; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            if (axis[ui] < 0) continue;
            if (!has_coords[ui]) {
                double step = 1.0;
                if (scalars.size() == 1) step = scalars[0];
                else if (static_cast<int>(scalars.size()) == k) step = scalars[ui];
                if (!std::isfinite(step) || step == 0)
                    throw Failure("--spacing", number(step) + " is refused by --strict, which "
                                                              "needs finite, nonzero spacings");
                continue;
            }
            const std::vector<double> &x = coord_values[ui];
            const std::size_t n = x.size();
            if (n < 2) continue;  // too few points: ng_gradient says so
            for (std::size_t j = 0; j < n; ++j)
                if (!std::isfinite(x[j]))
                    throw Failure(coords_file[ui], "x[" + std::to_string(j) + "] is " +
                                                       number(x[j]) +
                                                       ": --strict needs finite coordinates");
            const double sign = x[1] > x[0] ? 1.0 : -1.0;
            for (std::size_t j = 0; j + 1 < n; ++j)
                if (!((x[j + 1] - x[j]) * sign > 0))
                    throw Failure(coords_file[ui],
                                  "the coordinates are not strictly monotonic: x[" +
                                      std::to_string(j) + "] = " + number(x[j]) + ", x[" +
                                      std::to_string(j + 1) + "] = " + number(x[j + 1]) +
                                      " (--strict)");
            if (sides[ui].lower == NG_BOUNDARY_PERIODIC) {
                const double L = period[ui], next = x[0] + L;
                if (!std::isfinite(L) || !((next - x[n - 1]) * sign > 0))
                    throw Failure("--period " + period_spec[ui],
                                  "x[0] + L = " + number(next) +
                                      " does not continue the coordinates strictly "
                                      "monotonically after x[" + std::to_string(n - 1) +
                                      "] = " + number(x[n - 1]) + " (--strict)");
            }
        }

    ng_options opt = NG_OPTIONS_INIT;
    static const int32_t no_dims = 0;
    if (have_dims) {
        opt.dims = dims.empty() ? &no_dims : dims.data();
        opt.ndims = static_cast<int32_t>(dims.size());
    }
    opt.spacing = spacing.empty() ? nullptr : spacing.data();
    opt.nspacing = static_cast<int32_t>(spacing.size());
    if (!a.edge_order.empty()) {
        opt.edge_order = parse_int(a.edge_order, "--edge-order", "1 or 2");
        if (opt.edge_order != 1 && opt.edge_order != 2)
            throw Failure("--edge-order", "'" + a.edge_order + "' is not 1 or 2");
    }
    if (!a.threads.empty()) {
        opt.threads = parse_int(a.threads, "--threads", "a thread count");
        if (opt.threads < 0)
            throw Failure("--threads", "'" + a.threads + "' is not a thread count (0: default)");
    }
    std::vector<ng_boundary> boundary;
    if (!a.boundary.empty() || !a.period.empty())
        for (int i = 0; i < k; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            boundary.push_back(ng_boundary{sides[ui].lower, sides[ui].upper, period[ui]});
        }
    opt.boundary = boundary.empty() ? nullptr : boundary.data();
    opt.nboundary = static_cast<int32_t>(boundary.size());
    opt.accuracy = accuracy;
    opt.strict = a.strict ? 1 : 0;

    // ---- the input array: Fortran order is the same bytes with other strides ----
    std::vector<int64_t> fstrides(static_cast<std::size_t>(ndim));
    int64_t stride = 1;
    for (int d = 0; d < ndim; ++d) {
        fstrides[static_cast<std::size_t>(d)] = stride;
        const int64_t n = h.shape[static_cast<std::size_t>(d)];
        if (h.count != 0) stride *= n;
    }
    ng_array input;
    input.dtype = dtype;
    input.ndim = ndim;
    input.shape = ndim ? h.shape.data() : nullptr;
    input.strides = h.fortran_order && ndim ? fstrides.data() : nullptr;
    input.data = in.data();

    // ---- the output: (k,) + shape less the halo cells, in the input's memory order ----
    const int32_t out_dtype = ng_result_dtype(dtype);
    const int64_t out_item = ng_dtype_size(out_dtype);
    std::vector<int64_t> each_shape = h.shape;  // the shape of one derivative
    for (int i = 0; i < k; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        if (axis[ui] < 0) continue;
        int64_t &n = each_shape[static_cast<std::size_t>(axis[ui])];
        n -= (sides[ui].lower == NG_BOUNDARY_HALO ? accuracy / 2 : 0) +
             (sides[ui].upper == NG_BOUNDARY_HALO ? accuracy / 2 : 0);
        if (n < 0) n = 0;  // too few samples: ng_gradient refuses them below
    }
    int64_t each_count = 1;
    for (int64_t n : each_shape) each_count *= n;  // at most h.count
    std::vector<int64_t> out_shape;
    out_shape.push_back(k);
    out_shape.insert(out_shape.end(), each_shape.begin(), each_shape.end());
    const bool fortran = h.fortran_order;
    const std::string header = npy::format_header(descr_of(out_dtype), out_shape, fortran);
    const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    const uint64_t count = static_cast<uint64_t>(each_count);
    uint64_t elements = count * static_cast<uint64_t>(k);
    if (count != 0 && (elements / count != static_cast<uint64_t>(k) ||
                       elements > (max - header.size()) / static_cast<uint64_t>(out_item)))
        throw Failure(a.output, "the output of shape " + npy::shape_string(out_shape) +
                                    " is too large");
    const uint64_t total = header.size() + elements * static_cast<uint64_t>(out_item);

    const auto t0 = std::chrono::steady_clock::now();
    cli::AtomicOutput out(a.output);
    unsigned char *base = out.map(total);
    std::memcpy(base, header.data(), header.size());
    unsigned char *data = base + header.size();

    std::vector<int64_t> out_strides(static_cast<std::size_t>(ndim));
    stride = k;
    for (int d = 0; d < ndim; ++d) {
        out_strides[static_cast<std::size_t>(d)] = stride;
        if (count != 0) stride *= each_shape[static_cast<std::size_t>(d)];
    }
    std::vector<ng_array> outputs(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
        ng_array &o = outputs[static_cast<std::size_t>(i)];
        o.dtype = out_dtype;
        o.ndim = ndim;
        o.shape = ndim ? each_shape.data() : nullptr;
        if (fortran && ndim) {
            // Element (i, j...) of a Fortran-order (k,) + shape array: i varies fastest.
            o.strides = out_strides.data();
            o.data = data + static_cast<uint64_t>(i) * static_cast<uint64_t>(out_item);
        } else {
            o.strides = nullptr;
            o.data = data + static_cast<uint64_t>(i) * count * static_cast<uint64_t>(out_item);
        }
    }
    int32_t status = ng_gradient(&input, &opt, outputs.empty() ? nullptr : outputs.data(), k);
    if (status != NG_OK)
        throw Failure(a.input, std::string(ng_last_error()) + " (" + ng_status_string(status) + ")");
    out.commit();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    if (a.verbose)
        std::fprintf(stderr, "numgrad: %s: %s %s, %s order -> %s: %s %s in %.3f s\n",
                     a.input.c_str(), dtype_name(dtype), npy::shape_string(h.shape).c_str(),
                     fortran ? "Fortran" : "C", a.output.c_str(), dtype_name(out_dtype),
                     npy::shape_string(out_shape).c_str(), seconds);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    Arguments a;
    CLI::App app{
        "numgrad: gradients of .npy arrays, with numpy.gradient's exact arithmetic.\n"
        "Without arguments, runs a demonstration on an analytic 3-D field.\n",
        "numgrad"};
    app.option_defaults()->always_capture_default(false);
    app.get_formatter()->column_width(25);

    app.add_option("INPUT", a.input, "The .npy array to differentiate (see Files)")
        ->type_name("");
    app.add_option("-o,--output", a.output, "Where to write the gradients (see Files)")
        ->type_name("OUTPUT.npy");
    app.add_option("--spacing", a.spacing, "Sample spacing, for all dims or per dim (1)")
        ->type_name("H|H1,H2,..");
    app.add_option("--coords", a.coords, "Coordinates along DIM, a 1-D .npy (repeatable)")
        ->type_name("DIM=FILE.npy")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--dims", a.dims, "Dims to differentiate, in result order (all)")
        ->type_name("D1,D2,..");
    app.add_option("--edge-order", a.edge_order, "Accuracy order at edge boundaries (1)")
        ->type_name("1|2");
    app.add_option("--accuracy", a.accuracy, "Accuracy order of the differences (2)")
        ->type_name("2|4|6|8");
    app.add_option("--boundary", a.boundary, "Boundaries of every dim, or of DIM (edge)")
        ->type_name("[DIM=]MODE")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--period", a.period, "Period of DIM's periodic --coords (repeatable)")
        ->type_name("DIM=L")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_flag("--strict", a.strict, "Refuse bad coordinates and spacings");
    app.add_option("--threads", a.threads, "Use at most N threads (OpenMP's default)")
        ->type_name("N");
    app.add_flag("-v,--verbose", a.verbose, "Report dtypes, shapes and time on stderr");
    app.set_version_flag("--version", std::string("numgrad ") + ng_version_string(),
                         "Print the version and exit");
    app.footer(
        "Files:\n"
        "  INPUT   .npy format 1.0, 2.0 or 3.0; C or Fortran order; little-endian or\n"
        "          native; float32/64, complex64/128, int8..int64 or uint8..uint64.\n"
        "  OUTPUT  one .npy of shape (k,) + INPUT's shape (less any halo cells): the\n"
        "          derivative along the i-th differentiated dim is OUTPUT[i]. Floating\n"
        "          and complex dtypes stay as they are, integers give float64; the\n"
        "          memory order is INPUT's.\n"
        "  Both are memory-mapped, so arrays larger than memory work. OUTPUT is written\n"
        "  to a temporary file beside it and renamed when complete, never left partial.\n"
        "  Spacing: --spacing H applies to every dim; H1,H2,.. gives one value per\n"
        "  differentiated dim; --coords DIM=x.npy gives DIM non-uniform coordinates (any\n"
        "  real dtype, one per sample) and overrides a single --spacing H for that dim.\n"
        "\n"
        "Boundaries, accuracy:\n"
        "  MODE is edge (numpy's one-sided differences), periodic (the samples repeat:\n"
        "  neighbours wrap around), halo (the outermost ACC/2 samples, ACC being the\n"
        "  --accuracy, are ghost cells: read as neighbours, not differentiated, and left\n"
        "  out of OUTPUT), or LOWER:UPPER for the two ends, as in halo:edge.\n"
        "  --boundary MODE sets every dim, M1,M2,.. one per differentiated dim, DIM=MODE\n"
        "  one dim (repeatable; over MODE). Periodic --coords need --period DIM=L, with\n"
        "  x[n] = x[0] + L. --accuracy 4, 6 or 8 uses wider stencils (Fornberg's\n"
        "  weights) with one-sided ends of the same order; every dim then needs ACC+1\n"
        "  samples, and --edge-order does not apply. --strict refuses non-finite or\n"
        "  non-monotonic coordinates, zero or non-finite spacings and periods that do\n"
        "  not continue the coordinates, instead of numpy's silent inf and nan.\n"
        "\n"
        "Examples:\n"
        "  numgrad                                  run the demonstration\n"
        "  numgrad f.npy -o g.npy                   all dims, unit spacing\n"
        "  numgrad f.npy -o g.npy --dims -1 --spacing 0.5 --edge-order 2\n"
        "  numgrad f.npy -o g.npy --spacing 0.1 --coords 0=x.npy\n"
        "  numgrad f.npy -o g.npy --boundary periodic --accuracy 4\n"
        "  numgrad f.npy -o g.npy --boundary 0=halo:edge --boundary 1=periodic\n"
        "  numgrad f.npy -o g.npy --coords 0=deg.npy --boundary 0=periodic --period 0=360\n"
        "\n"
        "Errors are one line, \"numgrad: FILE: problem\", with exit status 2; OUTPUT is\n"
        "then left as it was.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success &e) {
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        std::string what = e.what();
        for (char &c : what)
            if (c == '\n') c = ' ';
        std::fprintf(stderr, "numgrad: command line: %s (see numgrad --help)\n", what.c_str());
        return 2;
    }

    try {
        if (a.input.empty()) {
            for (const char *name : {"--output", "--spacing", "--coords", "--dims",
                                     "--edge-order", "--accuracy", "--boundary", "--period",
                                     "--strict", "--threads"})
                if (app.count(name) > 0)
                    throw Failure(name, "needs an INPUT file (see numgrad --help)");
            return run_demo();
        }
        if (app.count("--output") == 0 || a.output.empty())
            throw Failure("--output", "missing: give -o OUTPUT.npy");
        cli::install_signal_handlers();
        Arguments args = a;
        if (app.count("--dims") > 0 && args.dims.empty()) args.dims = " ";  // given, empty
        return run(args);
    } catch (const Failure &f) {
        std::fprintf(stderr, "numgrad: %s: %s\n", f.subject().c_str(), f.what());
        return 2;
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "numgrad: out of memory\n");
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "numgrad: %s\n", e.what());
        return 2;
    }
}
