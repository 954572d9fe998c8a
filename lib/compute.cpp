// Chooses the kernel for a validated request.
#include "request.hpp"

namespace ng {

int32_t compute(const Request &request) {
    return request.general ? compute_general(request) : compute_standard(request);
}

} // namespace ng
