#include "finml/dist/launch.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "finml/core/cores.hpp"
#include "finml/core/error.hpp"

namespace finml::dist {
namespace {

// The ranks a signal to the launcher is passed on to (a handler may touch nothing else).
constexpr int kMaxRanks = 1024;
volatile sig_atomic_t g_rank_count = 0;
pid_t g_ranks[kMaxRanks];

extern "C" void ForwardSignal(int signal) {
  for (sig_atomic_t i = 0; i < g_rank_count; ++i)
    if (g_ranks[i] > 0) ::kill(g_ranks[i], signal);
}

RankExit ExitOf(std::int64_t rank, int status) {
  if (WIFSIGNALED(status)) return {rank, -1, WTERMSIG(status)};
  return {rank, WEXITSTATUS(status), 0};
}

}  // namespace

const options::Schema<LaunchSettings>& LaunchSettings::Schema() {
  static const auto schema = [] {
    using S = LaunchSettings;
    options::Schema<S> s;
    s.Add("nproc", &S::nproc, "ranks on this node").Min(1).Max(kMaxRanks);
    s.Add("nnodes", &S::nnodes, "nodes in the job").Min(1).Max(100000);
    s.Add("node_rank", &S::node_rank, "this node's place among them, from 0").Min(0);
    s.Add("master", &S::master, "ADDR:PORT of rank 0's store");
    s.Add("grace", &S::grace, "seconds the other ranks get to stop after one failed")
        .Min(0)
        .Max(3600);
    s.Rule(
        "node_rank", [](const S& x) { return x.node_rank < x.nnodes; },
        "must be below --nnodes (ranks of nodes count from 0)");
    return s;
  }();
  return schema;
}

MasterAddress ParseMaster(const std::string& text) {
  const auto colon = text.rfind(':');
  MasterAddress m;
  if (colon != std::string::npos && colon > 0) {
    m.host = text.substr(0, colon);
    if (m.host.size() > 2 && m.host.front() == '[' && m.host.back() == ']')
      m.host = m.host.substr(1, m.host.size() - 2);
    const std::string port = text.substr(colon + 1);
    const bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    m.port = digits ? std::stoi(port) : 0;
  }
  FINML_REQUIRE(!m.host.empty() && m.port >= 1 && m.port <= 65535,
                "--master '{}': not ADDR:PORT (fix: e.g. 127.0.0.1:29500 or node0:29500)", text);
  return m;
}

std::string Describe(const RankExit& e) {
  if (e.signal != 0)
    return fmt::format("rank {} was killed by signal {} ({})", e.rank, e.signal,
                       strsignal(e.signal));
  return fmt::format("rank {} exited with code {}", e.rank, e.code);
}

std::vector<RankExit> Launch(const LaunchSettings& s, const std::vector<std::string>& command) {
  FINML_REQUIRE(!command.empty(),
                "finml launch: no command (fix: finml launch --nproc 2 -- finml run exp.yaml)");
  const MasterAddress master = ParseMaster(s.master);
  const std::int64_t world = s.nproc * s.nnodes;
  const std::int64_t threads_per_rank =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(UsableCores()) / s.nproc);
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<pid_t> pids;
  struct sigaction forward {
  }, old_int{}, old_term{};
  forward.sa_handler = ForwardSignal;
  sigemptyset(&forward.sa_mask);
  ::sigaction(SIGINT, &forward, &old_int);
  ::sigaction(SIGTERM, &forward, &old_term);
  const auto restore = [&] {
    g_rank_count = 0;
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
  };
  for (std::int64_t local = 0; local < s.nproc; ++local) {
    // A pipe closed on exec tells the launcher whether the rank's command started.
    int started[2];
    if (::pipe2(started, O_CLOEXEC) != 0) throw InvalidInput("finml launch: cannot make a pipe");
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(started[0]);
      ::setenv("MASTER_ADDR", master.host.c_str(), 1);
      ::setenv("MASTER_PORT", std::to_string(master.port).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
      ::setenv("RANK", std::to_string(s.node_rank * s.nproc + local).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(local).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(s.nproc).c_str(), 1);
      ::setenv("GROUP_RANK", std::to_string(s.node_rank).c_str(), 1);
      // The node's cores shared among its ranks (torchrun sets 1): ranks that each start a
      // thread per core slow each other down. An explicit OMP_NUM_THREADS is kept.
      ::setenv("OMP_NUM_THREADS", std::to_string(threads_per_rank).c_str(), 0);
      ::execvp(argv[0], argv.data());
      const int error = errno;
      (void)!::write(started[1], &error, sizeof error);
      ::_exit(127);
    }
    ::close(started[1]);
    if (pid < 0) {
      ::close(started[0]);
      ForwardSignal(SIGKILL);
      restore();
      throw InvalidInput(
          fmt::format("finml launch: cannot start rank {} ({})", local, std::strerror(errno)));
    }
    int error = 0;
    const bool failed =
        ::read(started[0], &error, sizeof error) == static_cast<ssize_t>(sizeof error);
    ::close(started[0]);
    g_ranks[local] = pid;
    g_rank_count = static_cast<sig_atomic_t>(local + 1);
    pids.push_back(pid);
    if (failed) {
      ForwardSignal(SIGKILL);
      for (const pid_t p : pids) ::waitpid(p, nullptr, 0);
      restore();
      throw InvalidInput(
          fmt::format("finml launch: cannot run '{}' ({}; fix: a command on PATH or a path to it)",
                      command.front(), std::strerror(error)));
    }
  }
  std::vector<RankExit> exits;
  std::vector<bool> done(pids.size(), false);
  bool stopping = false;
  auto stop_deadline = std::chrono::steady_clock::time_point::max();
  while (exits.size() < pids.size()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, stopping ? WNOHANG : 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pid == 0) {  // stopping, nobody exited yet
      if (std::chrono::steady_clock::now() >= stop_deadline) ForwardSignal(SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    const auto at = std::find(pids.begin(), pids.end(), pid);
    if (at == pids.end()) continue;
    const auto local = static_cast<std::size_t>(at - pids.begin());
    done[local] = true;
    g_ranks[local] = 0;
    const RankExit e = ExitOf(s.node_rank * s.nproc + static_cast<std::int64_t>(local), status);
    exits.push_back(e);
    if ((e.code != 0 || e.signal != 0) && !stopping) {
      stopping = true;
      ForwardSignal(SIGTERM);
      stop_deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(static_cast<std::int64_t>(s.grace * 1000));
    }
  }
  restore();
  // The first failure leads; the ranks stopped because of it follow.
  const auto first = std::find_if(exits.begin(), exits.end(),
                                  [](const RankExit& e) { return e.code != 0 || e.signal != 0; });
  if (first != exits.end()) std::rotate(exits.begin(), first, first + 1);
  return exits;
}

}  // namespace finml::dist
