// Facts about each ng_dtype: its name, element size and result dtype.
#pragma once
#include <cstdint>

namespace ng {

struct DtypeInfo {
    const char *name;   // "NG_FLOAT64"
    int64_t size;       // bytes per element
    int32_t result;     // dtype of the gradient (float64 for integers)
};

// nullptr when `dtype` is not a supported ng_dtype value.
const DtypeInfo *dtype_info(int32_t dtype);

// The name of a dtype for messages: "NG_FLOAT64", or "unknown".
const char *dtype_name(int32_t dtype);

} // namespace ng
