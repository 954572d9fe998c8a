// The R binding of numgrad: R arrays in, ng_gradient, R arrays out.
//
// R stores an array column-major (dim 1 varies fastest), so an R array of dims
// d1 x d2 x ... is handed to the library with its own shape and Fortran strides
// (1, d1, d1*d2, ...): no copy, and dim j of R is dim j-1 of the library.
//
// Argument checks that R users see in R terms (types, 1-based dims) live in
// R/gradient.R; everything else is the library's, whose message becomes the R error.
#include <Rcpp.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "numgrad.h"

#ifdef _OPENMP
#include <omp.h>
#include <pthread.h>
#endif

namespace {

// ---------------------------------------------------------------------------------
// Threads, in the manner of data.table: a package-wide count, read from the
// environment at load time and by numgrad_threads(0), passed to every call.

int g_threads = 0;             // 0: not yet initialised
bool g_forked_child = false;   // set in a child of fork(): stay on one thread there

// A positive integer from the environment, or `fallback` when unset or malformed.
// OMP_NUM_THREADS may be a list ("4,2"); its first entry counts.
[[maybe_unused]] int env_int(const char *name, int fallback) {
    const char *v = std::getenv(name);
    if (!v || !*v)
        return fallback;
    char *end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (end == v || n < 1)
        return fallback;
    return n > INT_MAX ? INT_MAX : int(n);
}

// True under R CMD check, which asks packages to use at most 2 cores: --as-cran sets
// _R_CHECK_LIMIT_CORES_ (CRAN also sets OMP_THREAD_LIMIT=2), and every check run sets
// _R_CHECK_PACKAGE_NAME_ while it runs the package's code.
bool under_check() {
    const char *limit = std::getenv("_R_CHECK_LIMIT_CORES_");
    if (limit && *limit && std::strcmp(limit, "false") != 0 && std::strcmp(limit, "FALSE") != 0)
        return true;
    const char *name = std::getenv("_R_CHECK_PACKAGE_NAME_");
    return name && *name;
}

// The hard limits any count is clipped to.
int limit_threads(int n) {
#ifdef _OPENMP
    n = std::min(n, std::max(omp_get_num_procs(), 1));
    n = std::min(n, std::max(omp_get_thread_limit(), 1));
    // OpenMP reads OMP_THREAD_LIMIT once; Sys.setenv() after that should count too.
    n = std::min(n, env_int("OMP_THREAD_LIMIT", INT_MAX));
#else
    n = 1;
#endif
    if (under_check())
        n = std::min(n, 2);
    return std::max(n, 1);
}

int default_threads() {
#ifdef _OPENMP
    int n = std::max(omp_get_max_threads(), 1); // honours OMP_NUM_THREADS at startup
    n = std::min(n, env_int("OMP_NUM_THREADS", INT_MAX));
    return limit_threads(n);
#else
    return 1;
#endif
}

int current_threads() {
    if (g_forked_child)
        return 1;
    if (g_threads < 1)
        g_threads = default_threads();
    return g_threads;
}

#ifdef _OPENMP
// GNU OpenMP's thread pool does not survive fork(): parallel::mclapply children run on
// one thread (data.table does the same).
void on_fork_child() { g_forked_child = true; }
#endif

// ---------------------------------------------------------------------------------
// Arrays.

// The extents of x: its dim attribute, or its length for a plain vector.
std::vector<int64_t> shape_of(SEXP x) {
    SEXP dim = Rf_getAttrib(x, R_DimSymbol);
    std::vector<int64_t> shape;
    if (Rf_isNull(dim)) {
        shape.push_back(int64_t(Rf_xlength(x)));
    } else {
        const int *d = INTEGER(dim);
        for (R_xlen_t j = 0; j < Rf_xlength(dim); ++j)
            shape.push_back(int64_t(d[j]));
    }
    return shape;
}

// Column-major strides in elements.
std::vector<int64_t> fortran_strides(const std::vector<int64_t> &shape) {
    std::vector<int64_t> strides(shape.size());
    int64_t step = 1;
    for (size_t j = 0; j < shape.size(); ++j) {
        strides[j] = step;
        step *= std::max<int64_t>(shape[j], 1);
    }
    return strides;
}

} // namespace

// [[Rcpp::init]]
void numgrad_r_init(DllInfo *) {
#ifdef _OPENMP
    pthread_atfork(nullptr, nullptr, on_fork_child);
#endif
}

// The library's version string.
// [[Rcpp::export(.ng_version)]]
std::string ng_r_version() { return ng_version_string(); }

// numgrad_threads(): n == NA reads, n == 0 re-reads the environment, n > 0 sets.
// Returns the count before the call.
// [[Rcpp::export(.ng_threads)]]
int ng_r_threads(int n) {
    const int old = current_threads();
    if (n == NA_INTEGER)
        return old;
    g_threads = n == 0 ? default_threads() : limit_threads(n);
    return old;
}

// Whether this build uses OpenMP.
// [[Rcpp::export(.ng_has_openmp)]]
bool ng_r_has_openmp() {
#ifdef _OPENMP
    return true;
#else
    return false;
#endif
}

// The gradient of x (a double or complex vector or array, checked by R/gradient.R)
// along the 0-based dims `dims`, with `spacing` a list of double vectors (length 1: a
// spacing; longer: coordinates). `lower`, `upper` and `period` are empty (numpy's edges
// everywhere) or hold one ng_boundary per differentiated dim. `out_shape` is the shape
// of every result (x's, less the halo cells R/gradient.R counted); `out_dimnames` and
// `out_names` (NULL or trimmed like it) go on every result. Returns the list of
// results, or on a library error a character string (the message) with attribute
// "status" (the status name).
// [[Rcpp::export(.ng_gradient)]]
SEXP ng_r_gradient(SEXP x, Rcpp::IntegerVector dims, Rcpp::List spacing, int edge_order,
                   int threads, Rcpp::IntegerVector lower, Rcpp::IntegerVector upper,
                   Rcpp::NumericVector period, int accuracy, bool strict,
                   Rcpp::NumericVector out_shape, SEXP out_dimnames, SEXP out_names) {
    const bool complex = TYPEOF(x) == CPLXSXP;
    if (!complex && TYPEOF(x) != REALSXP)
        Rcpp::stop("internal error: x must be double or complex here");
    const std::vector<int64_t> shape = shape_of(x);
    const std::vector<int64_t> strides = fortran_strides(shape);
    const int32_t ndim = int32_t(shape.size());
    const int32_t dtype = complex ? NG_COMPLEX128 : NG_FLOAT64;
    if (out_shape.size() != R_xlen_t(ndim))
        Rcpp::stop("internal error: out_shape must have one extent per dim of x");
    std::vector<int64_t> oshape(shape.size());
    R_xlen_t out_length = 1;
    for (int32_t j = 0; j < ndim; ++j) {
        const double e = out_shape[j];
        if (!(e >= 0 && e <= double(shape[size_t(j)])))
            Rcpp::stop("internal error: out_shape must lie within x's shape");
        oshape[size_t(j)] = int64_t(e);
        out_length *= R_xlen_t(e);
    }
    const std::vector<int64_t> ostrides = fortran_strides(oshape);

    ng_array input = {dtype, ndim, shape.data(), strides.data(),
                      complex ? static_cast<void *>(COMPLEX(x)) : static_cast<void *>(REAL(x))};

    std::vector<int32_t> dim_list(dims.begin(), dims.end());
    std::vector<ng_spacing> spacings;
    for (R_xlen_t i = 0; i < spacing.size(); ++i) {
        SEXP s = spacing[i];
        if (TYPEOF(s) != REALSXP || Rf_xlength(s) < 1)
            Rcpp::stop("internal error: spacing entries must be non-empty doubles here");
        ng_spacing sp = NG_SPACING_UNIT_INIT;
        if (Rf_xlength(s) == 1) {
            sp.kind = NG_SPACING_SCALAR;
            sp.h = REAL(s)[0];
        } else {
            sp.kind = NG_SPACING_COORDS;
            sp.coords = REAL(s);
            sp.ncoords = int64_t(Rf_xlength(s));
        }
        spacings.push_back(sp);
    }

    const R_xlen_t nb = lower.size();
    if (upper.size() != nb || period.size() != nb)
        Rcpp::stop("internal error: lower, upper and period must have the same length");
    std::vector<ng_boundary> boundaries;
    for (R_xlen_t i = 0; i < nb; ++i)
        boundaries.push_back(ng_boundary{lower[i], upper[i], period[i]});

    ng_options options = NG_OPTIONS_INIT;
    options.ndims = int32_t(dim_list.size());
    // Never NULL: NULL would mean "all dims", an empty list means none.
    static const int32_t no_dims = 0;
    options.dims = dim_list.empty() ? &no_dims : dim_list.data();
    options.spacing = spacings.empty() ? nullptr : spacings.data();
    options.nspacing = int32_t(spacings.size());
    options.edge_order = edge_order;
    options.threads = threads == NA_INTEGER ? current_threads()
                                            : (g_forked_child ? 1 : limit_threads(threads));
    options.boundary = boundaries.empty() ? nullptr : boundaries.data();
    options.nboundary = int32_t(boundaries.size());
    options.accuracy = accuracy;
    options.strict = strict ? 1 : 0;

    // One result per dim, each of shape out_shape with x's dim (if any), dimnames and
    // names as trimmed in R. Allocated before the call: the library writes into them
    // or, on error, leaves them untouched.
    const bool has_dim = !Rf_isNull(Rf_getAttrib(x, R_DimSymbol));
    SEXP dim_attr = PROTECT(has_dim ? Rf_allocVector(INTSXP, ndim) : R_NilValue);
    for (int32_t j = 0; has_dim && j < ndim; ++j)
        INTEGER(dim_attr)[j] = int(oshape[size_t(j)]);
    const int k = int(dim_list.size());
    Rcpp::List results(k);
    std::vector<ng_array> outputs;
    for (int i = 0; i < k; ++i) {
        SEXP r = PROTECT(Rf_allocVector(complex ? CPLXSXP : REALSXP, out_length));
        Rf_setAttrib(r, R_DimSymbol, dim_attr);
        Rf_setAttrib(r, R_DimNamesSymbol, out_dimnames);
        Rf_setAttrib(r, R_NamesSymbol, out_names);
        results[i] = r;
        UNPROTECT(1);
        void *data = complex ? static_cast<void *>(COMPLEX(r)) : static_cast<void *>(REAL(r));
        outputs.push_back(ng_array{dtype, ndim, oshape.data(), ostrides.data(), data});
    }
    UNPROTECT(1);

    const int32_t status = ng_gradient(&input, &options, outputs.empty() ? nullptr : outputs.data(),
                                       int32_t(k));
    if (status != NG_OK) {
        Rcpp::CharacterVector message = Rcpp::CharacterVector::create(ng_last_error());
        message.attr("status") = ng_status_string(status);
        return message;
    }
    return results;
}
