#include "threads.hpp"

#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace ng {

#ifdef _OPENMP
namespace {
// Below this many element updates, starting a thread team costs more than it saves.
constexpr int64_t min_parallel_work = int64_t(1) << 16;
} // namespace
#endif

int thread_count(int requested, int64_t work) {
#ifdef _OPENMP
    // Simulation codes call us from their own parallel loops: stay on their thread.
    if (omp_get_active_level() > 0 || work < min_parallel_work)
        return 1;
    int n = requested > 0 ? requested : omp_get_max_threads();
    n = std::min(n, omp_get_thread_limit());
    return std::max(n, 1);
#else
    (void)requested;
    (void)work;
    return 1;
#endif
}

} // namespace ng
