// The calling thread's last error message, and the helper that sets it.
#pragma once
#include <cstdint>

namespace ng {

// Records a printf-style message for ng_last_error() and returns `status`,
// so validation code can write `return fail(NG_ERR_X, "...", ...)`.
int32_t fail(int32_t status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

void clear_error();
const char *last_error();

} // namespace ng
