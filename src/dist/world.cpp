#include "finml/dist/world.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"

namespace finml::dist {
namespace {

thread_local bool t_local = false;

const char* Variable(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

template <typename T>
T Number(const char* name, const char* text, T low) {
  T value{};
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value < low)
    throw InvalidInput(
        fmt::format("{}='{}': not a number of at least {} (fix: set it as "
                    "finml launch or torchrun does, or unset it)",
                    name, text, low));
  return value;
}

class SingleProcess final : public Communicator {
 public:
  [[nodiscard]] int rank() const override { return 0; }
  [[nodiscard]] int size() const override { return 1; }
  void AllReduceSum(std::span<double>) override {}
  void Broadcast(std::span<double>, int) override {}
  [[nodiscard]] std::vector<std::string> AllGather(const std::string& bytes) override {
    return {bytes};
  }
  void Barrier() override {}
  void WaitForAll(double) override {}
};

}  // namespace

World WorldFromEnvironment() {
  World world;
  const char* size = Variable("WORLD_SIZE");
  if (!size) return world;
  world.size = Number<int>("WORLD_SIZE", size, 1);
  if (const char* rank = Variable("RANK"))
    world.rank = Number<int>("RANK", rank, 0);
  else if (world.size > 1)
    throw InvalidInput(
        fmt::format("WORLD_SIZE={} but RANK is not set (fix: start the ranks with "
                    "finml launch, or set RANK to 0..{} on each)",
                    world.size, world.size - 1));
  if (world.rank >= world.size)
    throw InvalidInput(fmt::format("RANK={} is not below WORLD_SIZE={} (fix: ranks count 0..{})",
                                   world.rank, world.size, world.size - 1));
  if (const char* local = Variable("LOCAL_RANK"))
    world.local_rank = Number<int>("LOCAL_RANK", local, 0);
  if (const char* t = Variable("FINML_DIST_TIMEOUT"))
    world.timeout_s = Number<double>("FINML_DIST_TIMEOUT", t, 0.1);
  if (const char* t = Variable("FINML_DIST_JOIN_TIMEOUT"))
    world.join_timeout_s = Number<double>("FINML_DIST_JOIN_TIMEOUT", t, 0.1);
  if (const char* t = Variable("FINML_DIST_TASK_TIMEOUT"))
    world.task_timeout_s = Number<double>("FINML_DIST_TASK_TIMEOUT", t, 0.1);
  if (world.size == 1) return world;
  const char* addr = Variable("MASTER_ADDR");
  const char* port = Variable("MASTER_PORT");
  if (!addr || !port)
    throw InvalidInput(
        fmt::format("WORLD_SIZE={} needs MASTER_ADDR and MASTER_PORT (where rank 0 "
                    "listens; fix: start the ranks with finml launch)",
                    world.size));
  world.master_addr = addr;
  world.master_port = Number<int>("MASTER_PORT", port, 1);
  if (world.master_port > 65535)
    throw InvalidInput(fmt::format("MASTER_PORT={} is not a TCP port (1..65535)", port));
  return world;
}

bool WritesOutputs() {
  const char* rank = Variable("RANK");
  const char* size = Variable("WORLD_SIZE");
  return !rank || !size || std::strcmp(rank, "0") == 0;
}

Communicator& Comm() {
  static SingleProcess single;
  if (t_local) return single;
  static std::once_flag once;
  static Communicator* joined = nullptr;
  std::call_once(once, [] {
    const World world = WorldFromEnvironment();
    if (world.size == 1) return;
    auto* join = FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_join_gloo);
    joined = join(world);
  });
  return joined ? *joined : single;
}

bool RunsAlone() { return t_local; }

LocalScope::LocalScope() : previous_(t_local) { t_local = true; }
LocalScope::~LocalScope() { t_local = previous_; }

std::vector<std::string> MapTasks(std::size_t count,
                                  const std::function<std::string(std::size_t)>& task,
                                  const TaskOwner& owner) {
  Communicator& comm = Comm();
  const auto rank = static_cast<std::size_t>(comm.rank());
  const auto size = static_cast<std::size_t>(comm.size());
  std::vector<std::vector<std::size_t>> tasks_of(size);
  for (std::size_t i = 0; i < count; ++i) {
    const int r = owner ? owner(i, comm.size()) : static_cast<int>(i % size);
    if (r < 0 || r >= comm.size())
      throw InternalError(fmt::format("task {} assigned to rank {} of {}", i, r, size));
    tasks_of[static_cast<std::size_t>(r)].push_back(i);
  }
  // One message per rank: a failure flag, then (length, bytes) per task it ran.
  std::string mine;
  std::string failure;
  for (const std::size_t i : tasks_of[rank]) {
    std::string result;
    try {
      LocalScope alone;
      result = task(i);
    } catch (const Error& e) {
      failure = fmt::format("{}task {} failed on rank {}: {}",
                            static_cast<char>('0' + static_cast<int>(e.kind())), i, rank, e.what());
      break;
    } catch (const std::exception& e) {
      failure = fmt::format("{}task {} failed on rank {}: {}",
                            static_cast<char>('0' + static_cast<int>(ErrorKind::kInternal)), i,
                            rank, e.what());
      break;
    }
    const std::uint64_t length = result.size();
    mine.append(reinterpret_cast<const char*>(&length), sizeof length);
    mine += result;
  }
  std::string message = (failure.empty() ? std::string(1, '\0') : "\1" + failure);
  if (failure.empty()) message += mine;
  // Tasks take unequal times (an expanding walk-forward's last fold is its largest): ranks wait
  // for each other under the task timeout, not the collectives' one.
  comm.WaitForAll(WorldFromEnvironment().task_timeout_s);
  const std::vector<std::string> all = comm.AllGather(message);
  for (const std::string& m : all) {
    if (m.empty() || m[0] != '\1') continue;
    // The task's own kind of error, so a user's mistake still exits as one.
    const std::string text = m.substr(2);
    switch (static_cast<ErrorKind>(m[1] - '0')) {
      case ErrorKind::kInvalidInput:
        throw InvalidInput(text);
      case ErrorKind::kIo:
        throw IoError(text);
      case ErrorKind::kConfig:
        throw ConfigError(text);
      case ErrorKind::kCancelled:
        throw Cancelled(text);
      default:
        throw InternalError(text);
    }
  }
  std::vector<std::string> results(count);
  for (std::size_t r = 0; r < size; ++r) {
    std::size_t at = 1;
    const std::string& m = all[r];
    for (const std::size_t i : tasks_of[r]) {
      std::uint64_t length = 0;
      if (at + sizeof length > m.size())
        throw InternalError(fmt::format("rank {} sent a truncated result for task {}", r, i));
      std::memcpy(&length, m.data() + at, sizeof length);
      at += sizeof length;
      if (length > m.size() - at)
        throw InternalError(fmt::format("rank {} sent a truncated result for task {}", r, i));
      results[i] = m.substr(at, length);
      at += length;
    }
  }
  return results;
}

std::string PackDoubles(std::span<const double> values) {
  return {reinterpret_cast<const char*>(values.data()), values.size_bytes()};
}

std::vector<double> UnpackDoubles(const std::string& bytes) {
  if (bytes.size() % sizeof(double) != 0)
    throw InternalError(fmt::format("{} bytes are not a whole number of doubles", bytes.size()));
  std::vector<double> values(bytes.size() / sizeof(double));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

}  // namespace finml::dist
