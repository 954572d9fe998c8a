// A validated, normalised ng_gradient call: what the kernels consume.
#pragma once
#include <cstdint>

#include "numgrad.h"

namespace ng {

// One differentiated dimension.
struct Axis {
    int dim;           // index into the input's dims
    int64_t n;         // extent along it (>= edge_order + 1)
    bool uniform;      // scalar formulas with spacing h (also for uniform coordinates)
    double h;          // the spacing when uniform
    const double *x;   // the coordinates when not uniform (n of them)
    int lower, upper;  // ng_boundary_mode of each side
    double period;     // periodic coordinates: x[n] = x[0] + period
    int64_t halo_lo, halo_hi; // ghost cells on each side (accuracy/2 on a halo side)
};

struct Request {
    int32_t dtype;                      // input dtype
    int32_t out_dtype;                  // result dtype
    int ndim;
    int64_t size;                       // number of elements (0 when any extent is 0)
    int64_t shape[NG_MAX_NDIM];
    int64_t in_strides[NG_MAX_NDIM];    // elements
    const void *in;
    int k;                              // number of outputs
    Axis axes[NG_MAX_NDIM];             // axes[i] produces output i
    void *out[NG_MAX_NDIM];
    int64_t out_strides[NG_MAX_NDIM][NG_MAX_NDIM]; // elements
    int64_t out_shape[NG_MAX_NDIM];     // the input's shape less the halo cells
    int edge_order;
    int accuracy;                       // 2, 4, 6 or 8
    bool general;                       // needs compute_general (boundaries, accuracy)
    int threads;                        // requested (0 = default)
};

// Checks every argument of ng_gradient and fills `request`. Returns NG_OK, or an
// error status with the message set; it never writes to the outputs.
int32_t validate(const ng_array *input, const ng_options *options, const ng_array *outputs,
                 int32_t noutputs, Request &request);

// Computes all outputs of a validated request. Returns NG_OK, or NG_ERR_NO_MEMORY
// before the first write when a coefficient table cannot be allocated.
int32_t compute(const Request &request);

// The fast kernel (kernel.cpp): numpy's formulas with edge boundaries at accuracy 2.
int32_t compute_standard(const Request &request);

// The general kernel (general.cpp): periodic and halo boundaries, accuracy 4, 6, 8.
int32_t compute_general(const Request &request);

} // namespace ng
