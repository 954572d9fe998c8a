#include "error.hpp"

#include <cstdarg>
#include <cstdio>

namespace ng {

namespace {
// One buffer per thread: ng_last_error() is valid until that thread's next call.
thread_local char message[1024];
} // namespace

int32_t fail(int32_t status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    return status;
}

void clear_error() { message[0] = '\0'; }

const char *last_error() { return message; }

} // namespace ng
