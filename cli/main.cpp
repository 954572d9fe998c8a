// main.cpp: the numgrad command. Differentiates a .npy file with ng_gradient and writes
// the k partial derivatives as one stacked .npy of shape (k,) + input shape. Input and
// output are memory-mapped, so files larger than memory work; the output appears only
// when complete. With no arguments it runs the built-in demonstration.
#include <CLI/CLI.hpp>

#include <cerrno>
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
    std::string input, output, spacing, dims, edge_order, threads;
    std::vector<std::string> coords;
    bool verbose = false;
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

    // ---- spacing and coordinates ----
    std::vector<double> scalars;
    if (!a.spacing.empty())
        for (const std::string &t : split(a.spacing, ','))
            scalars.push_back(parse_double(t, "--spacing"));
    std::vector<std::vector<double>> coord_values(static_cast<std::size_t>(k));
    std::vector<bool> has_coords(static_cast<std::size_t>(k), false);
    for (const std::string &spec : a.coords) {
        const std::string opt = "--coords " + spec;
        std::size_t eq = spec.find('=');
        if (eq == std::string::npos || eq + 1 == spec.size())
            throw Failure("--coords", "'" + spec + "' is not DIM=FILE.npy");
        int32_t d = parse_int(spec.substr(0, eq), "--coords", "DIM=FILE.npy with an integer DIM");
        int nd = d < 0 ? d + ndim : d;
        if (nd < 0 || nd >= ndim)
            throw Failure(opt, "dim " + std::to_string(d) + " is out of range for the " +
                                   std::to_string(ndim) + "-d array in " + a.input);
        int slot = -1;
        for (int i = 0; i < k; ++i)
            if (axis[static_cast<std::size_t>(i)] == nd) slot = i;
        if (slot < 0)
            throw Failure(opt, "dim " + std::to_string(d) + " is not differentiated (see --dims)");
        if (has_coords[static_cast<std::size_t>(slot)])
            throw Failure(opt, "dim " + std::to_string(d) + " already has coordinates");
        const int64_t n = h.shape[static_cast<std::size_t>(nd)];
        coord_values[static_cast<std::size_t>(slot)] = cli::read_coordinates(
            spec.substr(eq + 1), n,
            "dim " + std::to_string(d) + " of " + a.input + " has " + std::to_string(n) +
                " samples");
        has_coords[static_cast<std::size_t>(slot)] = true;
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

    // ---- the output: (k,) + shape, in the input's memory order ----
    const int32_t out_dtype = ng_result_dtype(dtype);
    const int64_t out_item = ng_dtype_size(out_dtype);
    std::vector<int64_t> out_shape;
    out_shape.push_back(k);
    out_shape.insert(out_shape.end(), h.shape.begin(), h.shape.end());
    const bool fortran = h.fortran_order;
    const std::string header = npy::format_header(descr_of(out_dtype), out_shape, fortran);
    const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    uint64_t elements = static_cast<uint64_t>(h.count) * static_cast<uint64_t>(k);
    if (h.count != 0 && (elements / static_cast<uint64_t>(h.count) != static_cast<uint64_t>(k) ||
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
    for (int d = 0; d < ndim; ++d)
        out_strides[static_cast<std::size_t>(d)] = fstrides[static_cast<std::size_t>(d)] * k;
    std::vector<ng_array> outputs(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
        ng_array &o = outputs[static_cast<std::size_t>(i)];
        o.dtype = out_dtype;
        o.ndim = ndim;
        o.shape = input.shape;
        if (fortran && ndim) {
            // Element (i, j...) of a Fortran-order (k,) + shape array: i varies fastest.
            o.strides = out_strides.data();
            o.data = data + static_cast<uint64_t>(i) * static_cast<uint64_t>(out_item);
        } else {
            o.strides = nullptr;
            o.data = data + static_cast<uint64_t>(i) * static_cast<uint64_t>(h.count) *
                                static_cast<uint64_t>(out_item);
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
    app.add_option("--edge-order", a.edge_order, "Accuracy order at the boundaries (1)")
        ->type_name("1|2");
    app.add_option("--threads", a.threads, "Use at most N threads (OpenMP's default)")
        ->type_name("N");
    app.add_flag("-v,--verbose", a.verbose, "Report dtypes, shapes and time on stderr");
    app.set_version_flag("--version", std::string("numgrad ") + ng_version_string(),
                         "Print the version and exit");
    app.footer(
        "Files:\n"
        "  INPUT   .npy format 1.0, 2.0 or 3.0; C or Fortran order; little-endian or\n"
        "          native; float32/64, complex64/128, int8..int64 or uint8..uint64.\n"
        "  OUTPUT  one .npy of shape (k,) + INPUT's shape: the derivative along the i-th\n"
        "          differentiated dim is OUTPUT[i]. Floating and complex dtypes stay as\n"
        "          they are, integers give float64; the memory order is INPUT's.\n"
        "  Both are memory-mapped, so arrays larger than memory work. OUTPUT is written\n"
        "  to a temporary file beside it and renamed when complete, never left partial.\n"
        "  Spacing: --spacing H applies to every dim; H1,H2,.. gives one value per\n"
        "  differentiated dim; --coords DIM=x.npy gives DIM non-uniform coordinates (any\n"
        "  real dtype, one per sample) and overrides a single --spacing H for that dim.\n"
        "\n"
        "Examples:\n"
        "  numgrad                                  run the demonstration\n"
        "  numgrad f.npy -o g.npy                   all dims, unit spacing\n"
        "  numgrad f.npy -o g.npy --dims -1 --spacing 0.5 --edge-order 2\n"
        "  numgrad f.npy -o g.npy --spacing 0.1 --coords 0=x.npy\n"
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
                                     "--edge-order", "--threads"})
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
