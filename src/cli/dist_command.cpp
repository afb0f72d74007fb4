#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/dist/world.hpp"

namespace finml::cli {
namespace {

// Every rank fills its buffer with rank + 1, so each element of the sum is n(n+1)/2: a wrong
// transport or a rank that joined twice shows as a wrong number, not only as a slow one.
double TimeAllReduce(dist::Communicator& comm, std::size_t doubles, int rounds) {
  const double expected = comm.size() * (comm.size() + 1) / 2.0;
  std::vector<double> buffer(doubles);
  double best = 1e300;
  for (int round = 0; round < rounds; ++round) {
    std::fill(buffer.begin(), buffer.end(), comm.rank() + 1.0);
    comm.Barrier();
    const auto start = std::chrono::steady_clock::now();
    comm.AllReduceSum(buffer);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // The slowest rank's time is the collective's: take the maximum over ranks.
    std::vector<double> slowest(static_cast<std::size_t>(comm.size()), 0.0);
    slowest[static_cast<std::size_t>(comm.rank())] = seconds;
    comm.AllReduceSum(slowest);
    best = std::min(best, *std::max_element(slowest.begin(), slowest.end()));
    for (const double v : buffer)
      if (v != expected)
        throw InternalError(
            fmt::format("rank {}: the all-reduce of {} doubles gave {} where every "
                        "element should be {}",
                        comm.rank(), doubles, v, expected));
  }
  return best;
}

}  // namespace

void SetupDist(CLI::App& app, DistCommandOptions& o) {
  app.require_subcommand(1);
  CLI::App* check = app.add_subcommand(
      "check",
      "join the job's ranks, check the collectives give the exact sums, and time an all-reduce "
      "of each size (run it under finml launch, or on every rank a scheduler starts)");
  check->add_option("--bytes", o.bytes, "all-reduce sizes in bytes")
      ->delimiter(',')
      ->check(CLI::Range(8.0, 1e9));
  check->add_option("--rounds", o.rounds, "timed all-reduces per size (the fastest is shown)")
      ->check(CLI::Range(1, 100000));
}

int RunDist(const DistCommandOptions& o) {
  const dist::World world = dist::WorldFromEnvironment();
  dist::Communicator& comm = dist::Comm();
  const auto names = comm.AllGather(fmt::format("rank {}", comm.rank()));
  for (int r = 0; r < comm.size(); ++r)
    if (names[static_cast<std::size_t>(r)] != fmt::format("rank {}", r))
      throw InternalError(fmt::format("rank {}: the all-gather put '{}' where rank {} belongs",
                                      comm.rank(), names[static_cast<std::size_t>(r)], r));
  const bool prints = comm.rank() == 0;
  if (prints)
    std::printf("%d ranks joined at %s:%d; all-gather correct; all-reduce sums exact\n",
                comm.size(), world.master_addr.c_str(), world.master_port);
  if (prints) std::printf("%12s %14s %16s\n", "bytes", "seconds", "bus GB/s (ring)");
  for (const double bytes : o.bytes) {
    const auto doubles = std::max<std::size_t>(1, static_cast<std::size_t>(bytes / 8));
    const double seconds = TimeAllReduce(comm, doubles, o.rounds);
    // Ring all-reduce moves 2(n-1)/n of the buffer through each link: nccl-tests' "bus bandwidth".
    const double n = comm.size();
    const double bus =
        n > 1 ? 2 * (n - 1) / n * static_cast<double>(doubles * 8) / seconds / 1e9 : 0;
    if (prints) std::printf("%12zu %14.3g %16.3g\n", doubles * 8, seconds, bus);
  }
  return 0;
}

}  // namespace finml::cli
