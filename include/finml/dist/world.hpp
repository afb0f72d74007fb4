// The ranks of a distributed job and the collectives between them. The world comes from the
// environment that `finml launch`, torchrun or a scheduler sets (RANK, WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT); without WORLD_SIZE, or with WORLD_SIZE=1, the process is a world of one and every
// collective is the identity, so code written for many ranks runs unchanged on one.
//
// Collectives go through PyTorch's c10d with the Gloo backend (the torch module,
// src/dist/deep/gloo.cpp): rank 0 hosts a TCPStore at MASTER_ADDR:MASTER_PORT, every rank joins
// it, and a ProcessGroupGloo carries the data. Torch-free, so core code (walk-forward, Monte Carlo
// VaR) can split its tasks across ranks.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace finml::dist {

struct World {
  int rank = 0;
  int size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  double timeout_s = 600;         // FINML_DIST_TIMEOUT: a collective that waits longer fails
  double join_timeout_s = 120;    // FINML_DIST_JOIN_TIMEOUT: the time every rank has to join
  double task_timeout_s = 86400;  // FINML_DIST_TASK_TIMEOUT: the longest wait for a map's tasks
};

// The world the environment names. InvalidInput naming the variable and the fix for a RANK at or
// above WORLD_SIZE, a missing MASTER_ADDR/MASTER_PORT with WORLD_SIZE > 1, or a non-number.
[[nodiscard]] World WorldFromEnvironment();

// Rank 0 of a job, or a process outside any: the one that writes outputs. The others compute the
// same results and discard them (OutputDirectory::Commit, WriteFileAtomic).
[[nodiscard]] bool WritesOutputs();

class Communicator {
 public:
  virtual ~Communicator() = default;
  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  // Every rank passes the same number of values and gets the element-wise sum.
  virtual void AllReduceSum(std::span<double> values) = 0;
  // Every rank gets root's values.
  virtual void Broadcast(std::span<double> values, int root) = 0;
  // Every rank gets every rank's bytes, in rank order; the lengths may differ.
  [[nodiscard]] virtual std::vector<std::string> AllGather(const std::string& bytes) = 0;
  virtual void Barrier() = 0;
  // A barrier for work of uneven length (the tasks of a map): waits up to `timeout_s` (not the
  // collectives' timeout) for every rank to arrive, polling the store rather than holding a
  // collective open.
  virtual void WaitForAll(double timeout_s) = 0;
};

// This process's communicator: a world of one, or the job's Gloo group, joined on first use (the
// torch module is loaded then). Errors name the rank that is missing or gone and the fix. Inside a
// LocalScope, the world of one.
[[nodiscard]] Communicator& Comm();

// While alive, Comm() on this thread is the world of one: a task that one rank runs alone (a fold
// of a task-parallel walk-forward) must not start collectives the other ranks never join.
class LocalScope {
 public:
  LocalScope();
  ~LocalScope();
  LocalScope(const LocalScope&) = delete;
  LocalScope& operator=(const LocalScope&) = delete;

 private:
  bool previous_;
};

// The rank that runs task i of a map over `size` ranks.
using TaskOwner = std::function<int(std::size_t task, int size)>;

// Inside a LocalScope: this rank runs the current work alone (and keeps its checkpoints).
[[nodiscard]] bool RunsAlone();

// Runs tasks 0..count-1 split across the ranks (by default rank r runs r, r + size, ...; `owner`
// may pin tasks, e.g. those whose objects rank 0 must keep), each inside a LocalScope, and
// returns every task's result on every rank, in task order: the serial result, computed in
// parallel. A task that throws on one rank fails the map on every rank, with its message.
[[nodiscard]] std::vector<std::string> MapTasks(std::size_t count,
                                                const std::function<std::string(std::size_t)>& task,
                                                const TaskOwner& owner = {});

// Doubles to bytes and back, for MapTasks results.
[[nodiscard]] std::string PackDoubles(std::span<const double> values);
[[nodiscard]] std::vector<double> UnpackDoubles(const std::string& bytes);

}  // namespace finml::dist

// The torch module's entry point: joins the Gloo group of `world` (size > 1). Throws finml errors.
extern "C" finml::dist::Communicator* finml_torch_join_gloo(const finml::dist::World& world);
