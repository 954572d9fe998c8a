/*
 * numgrad.h: the public C ABI of numgrad, numerical gradients of N-dimensional
 * sampled data with the arithmetic of numpy.gradient.
 *
 * Stability rules:
 *  - every struct field that holds an enum is a fixed-width integer, so the layout
 *    never depends on the compiler;
 *  - ng_options carries its own size (struct_size) and only ever grows at the end:
 *    a caller compiled against an older header keeps working;
 *  - status codes and dtype codes are never renumbered; new ones are appended.
 *
 * The header is C99 and C++, and parses with cffi after the preprocessor (the only
 * macro used inside declarations is NG_API, which may be defined away).
 */
#ifndef NUMGRAD_H
#define NUMGRAD_H

#include <stdint.h>

#ifndef NG_API
#  if defined(_WIN32)
#    define NG_API __declspec(dllimport)
#  elif defined(__GNUC__) || defined(__clang__)
#    define NG_API __attribute__((visibility("default")))
#  else
#    define NG_API
#  endif
#endif

#define NG_VERSION_MAJOR 0
#define NG_VERSION_MINOR 1
#define NG_VERSION_PATCH 0
/* MAJOR*10000 + MINOR*100 + PATCH, the value ng_version() returns at run time. */
#define NG_VERSION_NUMBER 100

/* The largest ndim an array descriptor may have. */
#define NG_MAX_NDIM 32

#ifdef __cplusplus
extern "C" {
#endif

/* Element types (values of ng_array.dtype). Integer inputs give float64 results. */
typedef enum ng_dtype {
    NG_FLOAT32 = 1,
    NG_FLOAT64 = 2,
    NG_COMPLEX64 = 3,  /* two float32: real, imaginary */
    NG_COMPLEX128 = 4, /* two float64: real, imaginary */
    NG_INT8 = 5,
    NG_INT16 = 6,
    NG_INT32 = 7,
    NG_INT64 = 8,
    NG_UINT8 = 9,
    NG_UINT16 = 10,
    NG_UINT32 = 11,
    NG_UINT64 = 12
} ng_dtype;

/*
 * An N-dimensional strided array, in the manner of DLPack.
 *   dtype   an ng_dtype value.
 *   ndim    0 .. NG_MAX_NDIM.
 *   shape   ndim extents (>= 0); may be NULL when ndim == 0.
 *   strides ndim strides counted in ELEMENTS (not bytes), or NULL for C-contiguous.
 *           Inputs may have negative and zero strides; outputs may have negative
 *           strides but no two output elements may share memory.
 *   data    address of element (0, ..., 0). The library never writes through an
 *           input's data pointer.
 */
typedef struct ng_array {
    int32_t dtype;
    int32_t ndim;
    const int64_t *shape;
    const int64_t *strides;
    void *data;
} ng_array;

/* Kinds of spacing along one dimension (values of ng_spacing.kind). */
typedef enum ng_spacing_kind {
    NG_SPACING_UNIT = 0,   /* unit spacing, h = 1.0 */
    NG_SPACING_SCALAR = 1, /* uniform spacing h */
    NG_SPACING_COORDS = 2  /* sample coordinates coords[0 .. ncoords-1], ncoords == extent */
} ng_spacing_kind;

/* The spacing along one differentiated dimension. */
typedef struct ng_spacing {
    int32_t kind;          /* an ng_spacing_kind value */
    int32_t reserved;      /* must be 0 */
    double h;              /* NG_SPACING_SCALAR: the spacing */
    const double *coords;  /* NG_SPACING_COORDS: the coordinates */
    int64_t ncoords;       /* NG_SPACING_COORDS: their count */
} ng_spacing;

#define NG_SPACING_UNIT_INIT { NG_SPACING_UNIT, 0, 1.0, 0, 0 }

/* Boundary treatment of one side of a dimension (values of ng_boundary.lower/upper). */
typedef enum ng_boundary_mode {
    NG_BOUNDARY_EDGE = 0,     /* one-sided differences (numpy's, with edge_order) */
    NG_BOUNDARY_PERIODIC = 1, /* the samples repeat: neighbours wrap around (both sides) */
    NG_BOUNDARY_HALO = 2      /* the outermost accuracy/2 samples on this side are ghost
                                 cells owned by a neighbour: read as neighbours, not
                                 differentiated; the output covers the owned cells only */
} ng_boundary_mode;

/* The boundaries of one differentiated dimension. */
typedef struct ng_boundary {
    int32_t lower;  /* ng_boundary_mode at index 0 */
    int32_t upper;  /* ng_boundary_mode at index n-1 */
    double period;  /* periodic with coordinates: x[n] = x[0] + period (0 otherwise) */
} ng_boundary;

/*
 * Options of ng_gradient. Always start from NG_OPTIONS_INIT (or set struct_size to
 * sizeof(ng_options) and zero the rest): fields added in later versions then get
 * their defaults, and zero means the default for every field but edge_order.
 *   dims      the dimensions to differentiate, in the order of the results;
 *             negative values count from the end. NULL (with ndims == 0): all
 *             dimensions in order. Non-NULL with ndims == 0: no dimension.
 *   spacing   nspacing == 0: unit spacing everywhere; nspacing == 1: that spacing
 *             for every differentiated dim (a COORDS entry only when exactly one dim
 *             is differentiated); otherwise exactly one entry per differentiated dim,
 *             spacing[i] belonging to the i-th differentiated dim.
 *   edge_order 1 or 2: order of the one-sided differences at the boundaries when
 *             accuracy is 2 (higher accuracies use boundary stencils of their order).
 *   threads   0: the default (OpenMP's, which respects OMP_NUM_THREADS and
 *             OMP_THREAD_LIMIT); n > 0: at most n threads. Calls made inside an
 *             active OpenMP parallel region, and small inputs, run on one thread.
 *   boundary  nboundary == 0: NG_BOUNDARY_EDGE everywhere (numpy); 1: that boundary
 *             for every differentiated dim; otherwise one per differentiated dim.
 *             With a halo side the output is shorter than the input along that dim
 *             by accuracy/2 (per halo side).
 *   accuracy  order of the interior stencil: 2 (numpy's 3 points; 0 means 2), 4, 6 or
 *             8, with one-sided boundary stencils of the same order (Fornberg's
 *             weights on non-uniform grids). A dim needs at least accuracy+1 samples.
 *   strict    nonzero: reject coordinates that are not finite or not strictly
 *             monotonic, and zero or non-finite spacings and periods, instead of
 *             returning numpy's silent inf and nan.
 */
typedef struct ng_options {
    uint32_t struct_size;
    int32_t ndims;
    const int32_t *dims;
    const ng_spacing *spacing;
    int32_t nspacing;
    int32_t edge_order;
    int32_t threads;
    int32_t reserved; /* must be 0 */
    /* since 0.1: beyond numpy */
    const ng_boundary *boundary;
    int32_t nboundary;
    int32_t accuracy;
    int32_t strict;
    int32_t reserved2; /* must be 0 */
} ng_options;

#define NG_OPTIONS_INIT { (uint32_t)sizeof(ng_options), 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0 }

/* Status codes. 0 is success; the values are stable and never renumbered. */
typedef enum ng_status {
    NG_OK = 0,
    NG_ERR_NULL_POINTER = 1,    /* a required pointer is NULL */
    NG_ERR_NDIM = 2,            /* ndim outside 0 .. NG_MAX_NDIM */
    NG_ERR_SHAPE = 3,           /* a negative extent */
    NG_ERR_DIM_RANGE = 4,       /* a dim outside -ndim .. ndim-1 */
    NG_ERR_DIM_REPEATED = 5,    /* the same dim named twice */
    NG_ERR_SPACING_COUNT = 6,   /* nspacing is not 0, 1 or the number of dims */
    NG_ERR_SPACING = 7,         /* a spacing entry with an unknown kind or NULL coords */
    NG_ERR_COORD_LENGTH = 8,    /* ncoords differs from the extent of its dim */
    NG_ERR_EDGE_ORDER = 9,      /* edge_order is not 1 or 2 */
    NG_ERR_TOO_FEW_POINTS = 10, /* a differentiated dim has fewer than edge_order+1 samples */
    NG_ERR_OUTPUT_COUNT = 11,   /* noutputs differs from the number of differentiated dims */
    NG_ERR_OUTPUT_SHAPE = 12,   /* an output's ndim or shape differs from the input's */
    NG_ERR_OUTPUT_DTYPE = 13,   /* an output's dtype is not ng_result_dtype(input dtype) */
    NG_ERR_OVERFLOW = 14,       /* a size or byte offset does not fit in int64 */
    NG_ERR_OVERLAP = 15,        /* an output overlaps the input, another output or itself */
    NG_ERR_DTYPE = 16,          /* an unsupported input dtype */
    NG_ERR_OPTIONS = 17,        /* a bad struct_size, reserved field or thread count */
    NG_ERR_NO_MEMORY = 18,      /* a small internal allocation failed */
    NG_ERR_INTERNAL = 19,       /* a bug in numgrad: please report it */
    NG_ERR_BOUNDARY = 20,       /* a bad boundary: unknown mode, one periodic side, no period */
    NG_ERR_ACCURACY = 21,       /* accuracy is not 2, 4, 6 or 8 */
    NG_ERR_COORDINATES = 22     /* strict: non-finite or non-monotonic coordinates, zero spacing */
} ng_status;

/*
 * Differentiate `input` along the dims of `options` (NULL: all defaults) and write one
 * partial derivative per differentiated dim into outputs[0 .. noutputs-1]. Each output
 * is a caller-owned array of the input's shape (less the halo cells, if any) and of
 * dtype ng_result_dtype(input dtype), with any strides: k outputs may be views of one
 * stacked buffer.
 *
 * Everything is validated before the first write: on any error no output byte is
 * changed. Returns NG_OK or an error status; ng_last_error() then says what was wrong.
 * Thread-safe; never allocates memory the caller must free, never prints or exits.
 */
NG_API int32_t ng_gradient(const ng_array *input, const ng_options *options,
                           ng_array *outputs, int32_t noutputs);

/* The result dtype for an input dtype (float64 for integers), or -1 if unsupported. */
NG_API int32_t ng_result_dtype(int32_t dtype);

/* Size in bytes of one element of a dtype, or 0 if unknown. */
NG_API int64_t ng_dtype_size(int32_t dtype);

/* A constant, readable name for a status ("NG_ERR_EDGE_ORDER" ...); never NULL. */
NG_API const char *ng_status_string(int32_t status);

/*
 * The message of the calling thread's last ng_gradient call: what was wrong and the
 * value that was wrong, or "" after a success. Valid until that thread's next call.
 */
NG_API const char *ng_last_error(void);

/* The library's version as MAJOR*10000 + MINOR*100 + PATCH, and as a string. */
NG_API int32_t ng_version(void);
NG_API const char *ng_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* NUMGRAD_H */
