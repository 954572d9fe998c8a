// How many threads a computation may use.
#pragma once
#include <cstdint>

// An OpenMP pragma that vanishes without OpenMP (and so never warns as unknown).
#if defined(_OPENMP)
#define NG_PRAGMA(x) _Pragma(#x)
#else
#define NG_PRAGMA(x)
#endif

namespace ng {

// The thread count for `work` element updates when the caller asked for `requested`
// (0 = OpenMP's default): 1 inside an active parallel region, for small work, or
// without OpenMP; never more than OMP_THREAD_LIMIT.
int thread_count(int requested, int64_t work);

} // namespace ng
