// Chooses the kernel for a validated request.
#include "request.hpp"

namespace ng {

int32_t compute(const Request &request) { return compute_standard(request); }

} // namespace ng
