#include "finml/core/cores.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace finml {

namespace {

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text;
  std::getline(in, text);
  return text;
}

unsigned AffinityCores() {
  // Sized for any machine, not the 1024 CPUs a plain cpu_set_t holds.
  const int machine = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  for (int slots = std::max(machine, 1024); slots <= (1 << 20); slots *= 2) {
    cpu_set_t* set = CPU_ALLOC(slots);
    if (!set) break;
    const std::size_t bytes = CPU_ALLOC_SIZE(slots);
    if (sched_getaffinity(0, bytes, set) == 0) {
      const int count = CPU_COUNT_S(bytes, set);
      CPU_FREE(set);
      return static_cast<unsigned>(std::max(count, 1));
    }
    CPU_FREE(set);
    if (errno != EINVAL) break;  // EINVAL: the mask is larger than this set
  }
  return static_cast<unsigned>(machine);
}

// The tightest quota on this process's cgroup and its ancestors: a limit set on a parent (a
// container's root) binds its children too.
std::optional<unsigned> CgroupCores() {
  std::optional<unsigned> least;
  const auto keep = [&](std::optional<unsigned> cores) {
    if (cores && (!least || *cores < *least)) least = cores;
  };
  std::ifstream self("/proc/self/cgroup");
  std::string line;
  while (std::getline(self, line)) {
    // "0::/path" is the v2 hierarchy; "N:cpu,cpuacct:/path" a v1 one with the cpu controller.
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    const bool v2 = line.compare(0, first, "0") == 0 && controllers.empty();
    std::string mount;
    if (v2) {
      mount = "/sys/fs/cgroup";
    } else {
      std::stringstream list(controllers);
      std::string name;
      bool cpu = false;
      while (std::getline(list, name, ',')) cpu = cpu || name == "cpu";
      if (!cpu) continue;
      mount = "/sys/fs/cgroup/" + controllers;
      if (!ReadSmallFile(mount + "/cpu.cfs_quota_us")) mount = "/sys/fs/cgroup/cpu";
    }
    // Inside a cgroup namespace the path may not exist under the mount: its root is then ours.
    for (;;) {
      const std::string dir = mount + (path == "/" ? "" : path);
      if (v2) {
        if (const auto text = ReadSmallFile(dir + "/cpu.max")) keep(CoresFromCpuMax(*text));
      } else {
        const auto quota = ReadSmallFile(dir + "/cpu.cfs_quota_us");
        const auto period = ReadSmallFile(dir + "/cpu.cfs_period_us");
        if (quota && period) {
          const auto q = ParseInteger(*quota), p = ParseInteger(*period);
          if (q && p) keep(CoresFromCfsQuota(*q, *p));
        }
      }
      if (path.empty() || path == "/") break;
      const auto slash = path.rfind('/');
      path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    }
  }
  return least;
}

}  // namespace

std::optional<unsigned> CoresFromCfsQuota(std::int64_t quota_us, std::int64_t period_us) {
  if (quota_us <= 0 || period_us <= 0) return std::nullopt;
  return static_cast<unsigned>(std::max<std::int64_t>(1, (quota_us + period_us - 1) / period_us));
}

std::optional<unsigned> CoresFromCpuMax(std::string_view cpu_max) {
  while (!cpu_max.empty() && (cpu_max.back() == '\n' || cpu_max.back() == ' '))
    cpu_max.remove_suffix(1);
  const auto space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = ParseInteger(cpu_max.substr(0, space));  // "max": no number, no limit
  const auto period = ParseInteger(cpu_max.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return CoresFromCfsQuota(*quota, *period);
}

unsigned UsableCores() {
  // The affinity mask is the calling thread's and can change (taskset -p): read each time. The
  // cgroup quota is the process's, read once.
  static const std::optional<unsigned> quota = CgroupCores();
  unsigned n = AffinityCores();
  if (quota) n = std::min(n, *quota);
  return std::max(n, 1u);
}

}  // namespace finml
