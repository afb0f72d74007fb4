// `finml launch`: starts the ranks of a distributed job on this node as torchrun does, with the
// same environment, so a scheduler (Slurm, Kubernetes) may start ranks itself instead:
//   MASTER_ADDR, MASTER_PORT   where rank 0's store listens
//   WORLD_SIZE                 nproc x nnodes
//   RANK                       node_rank x nproc + local rank
//   LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK (= node rank)
// If any rank fails (a non-zero exit or a signal), the others get SIGTERM, then SIGKILL after
// `grace` seconds, and the launch fails naming the first rank that failed; a signal to the
// launcher (Ctrl-C) goes to every rank.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "finml/core/options.hpp"

namespace finml::dist {

struct LaunchSettings {
  std::int64_t nproc = 1;
  std::int64_t nnodes = 1;
  std::int64_t node_rank = 0;
  std::string master = "127.0.0.1:29500";
  double grace = 10;  // seconds the other ranks get to stop after one failed
  static const options::Schema<LaunchSettings>& Schema();
};

struct MasterAddress {
  std::string host;
  int port = 0;
};
// "host:port" or "[v6]:port"; an InvalidInput naming --master otherwise.
[[nodiscard]] MasterAddress ParseMaster(const std::string& text);

// What became of one rank.
struct RankExit {
  std::int64_t rank = 0;
  int code = 0;    // exit status, or -1 when a signal ended it
  int signal = 0;  // the signal, when one did
};

// Runs `command` once per local rank and waits for all of them. Returns every rank's exit, the
// first failure first; throws an InvalidInput for bad settings or a command that cannot start.
[[nodiscard]] std::vector<RankExit> Launch(const LaunchSettings& settings,
                                           const std::vector<std::string>& command);

// "rank 1 exited with code 3" / "rank 0 was killed by signal 9 (Killed)".
[[nodiscard]] std::string Describe(const RankExit& exit);

}  // namespace finml::dist
