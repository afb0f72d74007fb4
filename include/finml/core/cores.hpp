// How many cores this process may really use. std::thread::hardware_concurrency counts the
// machine's, but a container (cgroup CPU quota) or a taskset (affinity mask) often allows fewer:
// sizing a thread pool from the machine's count then oversubscribes the cores it has.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace finml {

// The least of the machine's cores, the calling thread's affinity mask and the cgroup CPU quota
// (v2 cpu.max, or v1 cpu.cfs_quota_us / cpu.cfs_period_us), rounded up; at least 1.
[[nodiscard]] unsigned UsableCores();

// Cores a cgroup v2 cpu.max ("QUOTA PERIOD", or "max PERIOD" for none) allows, rounded up;
// nothing where it sets no limit or cannot be read.
[[nodiscard]] std::optional<unsigned> CoresFromCpuMax(std::string_view cpu_max);

// The same for cgroup v1's two files (quota -1: no limit).
[[nodiscard]] std::optional<unsigned> CoresFromCfsQuota(std::int64_t quota_us,
                                                        std::int64_t period_us);

}  // namespace finml
