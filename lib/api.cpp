// The extern "C" entry points. No C++ exception crosses this boundary.
#include <exception>
#include <new>
#include <stdexcept>

#include "dtype.hpp"
#include "error.hpp"
#include "request.hpp"

#define NG_STRINGIFY2(x) #x
#define NG_STRINGIFY(x) NG_STRINGIFY2(x)

extern "C" {

NG_API int32_t ng_gradient(const ng_array *input, const ng_options *options, ng_array *outputs,
                           int32_t noutputs) {
    try {
        ng::Request request;
        if (int32_t status = ng::validate(input, options, outputs, noutputs, request))
            return status;
        if (int32_t status = ng::compute(request))
            return ng::fail(status, "out of memory for the coefficient tables");
        ng::clear_error();
        return NG_OK;
    } catch (const std::bad_alloc &) {
        return ng::fail(NG_ERR_NO_MEMORY, "out of memory");
    } catch (const std::length_error &) { // a table longer than std::vector can hold
        return ng::fail(NG_ERR_NO_MEMORY, "out of memory: a coefficient table is too long");
    } catch (const std::exception &e) {
        return ng::fail(NG_ERR_INTERNAL, "internal error: %s", e.what());
    } catch (...) {
        return ng::fail(NG_ERR_INTERNAL, "internal error: unknown exception");
    }
}

NG_API int32_t ng_result_dtype(int32_t dtype) {
    const ng::DtypeInfo *info = ng::dtype_info(dtype);
    return info ? info->result : -1;
}

NG_API int64_t ng_dtype_size(int32_t dtype) {
    const ng::DtypeInfo *info = ng::dtype_info(dtype);
    return info ? info->size : 0;
}

NG_API const char *ng_status_string(int32_t status) {
    switch (status) {
    case NG_OK: return "NG_OK";
    case NG_ERR_NULL_POINTER: return "NG_ERR_NULL_POINTER";
    case NG_ERR_NDIM: return "NG_ERR_NDIM";
    case NG_ERR_SHAPE: return "NG_ERR_SHAPE";
    case NG_ERR_DIM_RANGE: return "NG_ERR_DIM_RANGE";
    case NG_ERR_DIM_REPEATED: return "NG_ERR_DIM_REPEATED";
    case NG_ERR_SPACING_COUNT: return "NG_ERR_SPACING_COUNT";
    case NG_ERR_SPACING: return "NG_ERR_SPACING";
    case NG_ERR_COORD_LENGTH: return "NG_ERR_COORD_LENGTH";
    case NG_ERR_EDGE_ORDER: return "NG_ERR_EDGE_ORDER";
    case NG_ERR_TOO_FEW_POINTS: return "NG_ERR_TOO_FEW_POINTS";
    case NG_ERR_OUTPUT_COUNT: return "NG_ERR_OUTPUT_COUNT";
    case NG_ERR_OUTPUT_SHAPE: return "NG_ERR_OUTPUT_SHAPE";
    case NG_ERR_OUTPUT_DTYPE: return "NG_ERR_OUTPUT_DTYPE";
    case NG_ERR_OVERFLOW: return "NG_ERR_OVERFLOW";
    case NG_ERR_OVERLAP: return "NG_ERR_OVERLAP";
    case NG_ERR_DTYPE: return "NG_ERR_DTYPE";
    case NG_ERR_OPTIONS: return "NG_ERR_OPTIONS";
    case NG_ERR_NO_MEMORY: return "NG_ERR_NO_MEMORY";
    case NG_ERR_INTERNAL: return "NG_ERR_INTERNAL";
    case NG_ERR_BOUNDARY: return "NG_ERR_BOUNDARY";
    case NG_ERR_ACCURACY: return "NG_ERR_ACCURACY";
    case NG_ERR_COORDINATES: return "NG_ERR_COORDINATES";
    }
    return "unknown status";
}

NG_API const char *ng_last_error(void) { return ng::last_error(); }

NG_API int32_t ng_version(void) { return NG_VERSION_NUMBER; }

NG_API const char *ng_version_string(void) {
    return NG_STRINGIFY(NG_VERSION_MAJOR) "." NG_STRINGIFY(NG_VERSION_MINOR) "." NG_STRINGIFY(NG_VERSION_PATCH);
}

} // extern "C"
