#include "dtype.hpp"

#include "numgrad.h"

namespace ng {

namespace {
const DtypeInfo table[] = {
    {"NG_FLOAT32", 4, NG_FLOAT32},     {"NG_FLOAT64", 8, NG_FLOAT64},
    {"NG_COMPLEX64", 8, NG_COMPLEX64}, {"NG_COMPLEX128", 16, NG_COMPLEX128},
    {"NG_INT8", 1, NG_FLOAT64},        {"NG_INT16", 2, NG_FLOAT64},
    {"NG_INT32", 4, NG_FLOAT64},       {"NG_INT64", 8, NG_FLOAT64},
    {"NG_UINT8", 1, NG_FLOAT64},       {"NG_UINT16", 2, NG_FLOAT64},
    {"NG_UINT32", 4, NG_FLOAT64},      {"NG_UINT64", 8, NG_FLOAT64},
};
} // namespace

const DtypeInfo *dtype_info(int32_t dtype) {
    if (dtype < NG_FLOAT32 || dtype > NG_UINT64)
        return nullptr;
    return &table[dtype - NG_FLOAT32];
}

const char *dtype_name(int32_t dtype) {
    const DtypeInfo *info = dtype_info(dtype);
    return info ? info->name : "unknown";
}

} // namespace ng
