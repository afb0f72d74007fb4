// c10d's Gloo process group behind finml's Communicator. Compiled with USE_C10D_GLOO
// (CMakeLists.txt sets it for this file only), without which c10d's headers hide ProcessGroupGloo.
#include "dist/deep/gloo.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "finml/core/error.hpp"
#include "finml/dist/world.hpp"

namespace finml::dist {
namespace {

using Milliseconds = std::chrono::milliseconds;

Milliseconds ToMilliseconds(double seconds) {
  return Milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

class GlooCommunicator final : public Communicator {
 public:
  explicit GlooCommunicator(const World& world) : world_(world) {
    Join();
    auto options = c10d::ProcessGroupGloo::Options::create(ToMilliseconds(world_.timeout_s));
    options->devices.push_back(Device());
    try {
      group_ =
          c10::make_intrusive<c10d::ProcessGroupGloo>(store_, world_.rank, world_.size, options);
    } catch (const std::exception& e) {
      throw IoError(fmt::format("rank {}: cannot connect to the other {} ranks: {}", world_.rank,
                                world_.size - 1, FirstLine(e.what())));
    }
    store_->setTimeout(ToMilliseconds(world_.timeout_s));
  }

  [[nodiscard]] int rank() const override { return world_.rank; }
  [[nodiscard]] int size() const override { return world_.size; }

  void AllReduceSum(std::span<double> values) override {
    std::vector<at::Tensor> tensors{torch::from_blob(
        values.data(), {static_cast<std::int64_t>(values.size())}, torch::kFloat64)};
    AllReduce(tensors, "all-reduce");
  }

  void AllReduce(std::vector<at::Tensor>& tensors, const char* what) {
    Run(what, [&] { return group_->allreduce(tensors); });
  }

  void Broadcast(std::span<double> values, int root) override {
    std::vector<at::Tensor> tensors{torch::from_blob(
        values.data(), {static_cast<std::int64_t>(values.size())}, torch::kFloat64)};
    BroadcastTensors(tensors, root);
  }

  void BroadcastTensors(std::vector<at::Tensor>& tensors, int root) {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    Run("broadcast", [&] { return group_->broadcast(tensors, options); });
  }

  [[nodiscard]] std::vector<std::string> AllGather(const std::string& bytes) override {
    std::vector<at::Tensor> length{torch::tensor({static_cast<std::int64_t>(bytes.size())})};
    std::vector<std::vector<at::Tensor>> lengths(1);
    for (int r = 0; r < world_.size; ++r) lengths[0].push_back(torch::zeros({1}, torch::kLong));
    Run("all-gather", [&] { return group_->allgather(lengths, length); });
    std::int64_t longest = 1;
    for (const auto& l : lengths[0]) longest = std::max(longest, l.item<std::int64_t>());
    std::vector<at::Tensor> mine{torch::zeros({longest}, torch::kUInt8)};
    std::memcpy(mine[0].data_ptr(), bytes.data(), bytes.size());
    std::vector<std::vector<at::Tensor>> all(1);
    for (int r = 0; r < world_.size; ++r) all[0].push_back(torch::zeros({longest}, torch::kUInt8));
    Run("all-gather", [&] { return group_->allgather(all, mine); });
    std::vector<std::string> out;
    for (int r = 0; r < world_.size; ++r)
      out.emplace_back(
          static_cast<const char*>(all[0][static_cast<std::size_t>(r)].data_ptr()),
          static_cast<std::size_t>(lengths[0][static_cast<std::size_t>(r)].item<std::int64_t>()));
    return out;
  }

  void Barrier() override {
    Run("barrier", [&] { return group_->barrier(); });
  }

  void WaitForAll(double timeout_s) override {
    const std::string key = fmt::format("finml/wait/{}", ++waits_);
    try {
      store_->add(key, 1);
      const auto deadline = std::chrono::steady_clock::now() + ToMilliseconds(timeout_s);
      for (auto pause = Milliseconds(1);; pause = std::min(pause * 2, Milliseconds(200))) {
        const std::int64_t arrived = store_->add(key, 0);
        if (arrived >= world_.size) return;
        if (std::chrono::steady_clock::now() > deadline)
          throw IoError(
              fmt::format("rank {}: waited {} s for the other ranks to finish their "
                          "tasks, and {} of {} did (fix: raise FINML_DIST_TASK_TIMEOUT "
                          "for longer tasks)",
                          world_.rank, timeout_s, arrived, world_.size));
        std::this_thread::sleep_for(pause);
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw IoError(
          fmt::format("rank {}: rank 0, which holds the job's store at {}:{}, is gone "
                      "while waiting for the ranks' tasks: {}",
                      world_.rank, world_.master_addr, world_.master_port, FirstLine(e.what())));
    }
  }

 private:
  // Each rank counts the collectives it entered in the store, so a rank whose collective fails
  // can name the ranks that never arrived (dead or hung) rather than just "timed out".
  template <typename Start>
  void Run(const char* what, Start start) {
    ++entered_;
    try {
      store_->add(Key("arrived", world_.rank), 1);
      start()->wait();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw IoError(Explain(what, FirstLine(e.what())));
    }
  }

  std::string Explain(const char* what, const std::string& cause) {
    std::string missing;
    try {
      store_->setTimeout(Milliseconds(2000));
      for (int r = 0; r < world_.size; ++r) {
        if (r == world_.rank) continue;
        if (store_->add(Key("arrived", r), 0) < entered_)
          missing += fmt::format("{}{}", missing.empty() ? "" : ", ", r);
      }
    } catch (const std::exception&) {
      return fmt::format(
          "rank {}: {} #{} failed and rank 0, which holds the job's store at {}:{}, is gone "
          "(died or was stopped): {}",
          world_.rank, what, entered_, world_.master_addr, world_.master_port, cause);
    }
    if (missing.empty())
      return fmt::format("rank {}: {} #{} failed: {}", world_.rank, what, entered_, cause);
    return fmt::format(
        "rank {}: {} #{} did not complete within {} s: rank {} never reached it (died or hung; "
        "fix: see that rank's error, or raise FINML_DIST_TIMEOUT for long steps): {}",
        world_.rank, what, entered_, world_.timeout_s, missing, cause);
  }

  static std::string Key(const char* what, int rank) {
    return fmt::format("finml/{}/{}", what, rank);
  }

  // Rank 0 listens; everyone checks in and waits for the whole world, so a wrong WORLD_SIZE or a
  // rank that never starts is one clear error within the join timeout.
  void Join() {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(world_.master_port);
    options.isServer = world_.rank == 0;
    options.numWorkers = c10::nullopt;
    options.waitWorkers = false;
    options.timeout = ToMilliseconds(world_.join_timeout_s);
    try {
      store_ = c10::make_intrusive<c10d::TCPStore>(world_.master_addr, options);
    } catch (const std::exception& e) {
      if (world_.rank == 0)
        throw IoError(
            fmt::format("rank 0 cannot listen on {}:{}: {} (fix: another port with "
                        "finml launch --master ADDR:PORT, or MASTER_PORT)",
                        world_.master_addr, world_.master_port, FirstLine(e.what())));
      throw IoError(
          fmt::format("rank {} cannot reach the master at {}:{} within {} s (is rank 0 "
                      "running there? fix: check MASTER_ADDR and MASTER_PORT): {}",
                      world_.rank, world_.master_addr, world_.master_port, world_.join_timeout_s,
                      FirstLine(e.what())));
    }
    if (store_->add(Key("rank", world_.rank), 1) > 1)
      throw InvalidInput(
          fmt::format("two processes claim RANK={} (fix: give each rank its own)", world_.rank));
    const std::string size = std::to_string(world_.size);
    const std::vector<std::uint8_t> claimed(size.begin(), size.end());
    const std::vector<std::uint8_t> agreed = store_->compareSet("finml/size", {}, claimed);
    if (agreed != claimed)
      throw InvalidInput(
          fmt::format("rank {} has WORLD_SIZE={} but another rank has {} (fix: the "
                      "same WORLD_SIZE on every rank)",
                      world_.rank, size, std::string(agreed.begin(), agreed.end())));
    store_->add("finml/joined", 1);
    const auto deadline = std::chrono::steady_clock::now() + ToMilliseconds(world_.join_timeout_s);
    for (;;) {
      const std::int64_t joined = store_->add("finml/joined", 0);
      if (joined >= world_.size) break;
      if (std::chrono::steady_clock::now() > deadline)
        throw IoError(
            fmt::format("rank {}: only {} of WORLD_SIZE={} ranks joined within {} s "
                        "(fix: start every rank, or set WORLD_SIZE to the number "
                        "started; FINML_DIST_JOIN_TIMEOUT sets the wait)",
                        world_.rank, joined, world_.size, world_.join_timeout_s));
      std::this_thread::sleep_for(Milliseconds(20));
    }
  }

  // GLOO_SOCKET_IFNAME picks the interface as in PyTorch; a loopback master means one node.
  std::shared_ptr<::gloo::transport::Device> Device() const {
    if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name && *name)
      return c10d::ProcessGroupGloo::createDeviceForInterface(name);
    if (world_.master_addr.starts_with("127.") || world_.master_addr == "localhost" ||
        world_.master_addr == "::1")
      return c10d::ProcessGroupGloo::createDeviceForHostname(world_.master_addr);
    return c10d::ProcessGroupGloo::createDefaultDevice();
  }

  World world_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  std::int64_t entered_ = 0;
  std::int64_t waits_ = 0;
};

}  // namespace

namespace deep {
namespace {

std::vector<std::vector<torch::Tensor>> Buckets(torch::nn::Module& module) {
  std::vector<std::vector<torch::Tensor>> buckets;
  std::int64_t bytes = 0;
  for (const auto& p : module.parameters()) {
    if (!p.requires_grad()) continue;
    const std::int64_t size = p.numel() * static_cast<std::int64_t>(p.element_size());
    if (buckets.empty() || (bytes + size > kBucketBytes && !buckets.back().empty())) {
      buckets.emplace_back();
      bytes = 0;
    }
    buckets.back().push_back(p);
    bytes += size;
  }
  return buckets;
}

class DataParallelGloo final : public DataParallel {
 public:
  explicit DataParallelGloo(GlooCommunicator& comm) : comm_(comm) {}
  [[nodiscard]] int rank() const override { return comm_.rank(); }
  [[nodiscard]] int size() const override { return comm_.size(); }

  void BroadcastState(torch::nn::Module& module) override {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> state;
    for (const auto& p : module.parameters()) state.push_back(p);
    for (const auto& b : module.buffers()) state.push_back(b);
    for (auto& t : state) {
      // Gloo needs contiguous tensors; a parameter always is, a buffer view may not be.
      std::vector<at::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
      comm_.BroadcastTensors(one, 0);
      if (!t.is_contiguous()) t.copy_(one[0]);
    }
  }

  Totals AverageGradients(torch::nn::Module& module, double local_loss_mean,
                          std::int64_t local_rows) override {
    double totals[2] = {local_rows > 0 ? local_loss_mean * static_cast<double>(local_rows) : 0,
                        static_cast<double>(local_rows)};
    comm_.AllReduceSum(totals);
    const Totals result{totals[0], static_cast<std::int64_t>(totals[1])};
    if (result.rows == 0) return result;
    torch::NoGradGuard no_grad;
    for (auto& bucket : Buckets(module)) {
      std::vector<torch::Tensor> flat;
      for (auto& p : bucket) {
        const torch::Tensor g = p.grad();
        if (g.defined() && local_rows > 0) {
          flat.push_back(g.reshape(-1) * static_cast<double>(local_rows));
        } else {
          flat.push_back(torch::zeros({p.numel()}, p.options()));
        }
      }
      std::vector<at::Tensor> buffer{torch::cat(flat)};
      comm_.AllReduce(buffer, "gradient all-reduce");
      buffer[0].div_(static_cast<double>(result.rows));
      std::int64_t at = 0;
      for (auto& p : bucket) {
        torch::Tensor averaged = buffer[0].slice(0, at, at + p.numel()).view(p.sizes());
        at += p.numel();
        if (p.grad().defined())
          p.mutable_grad().copy_(averaged);
        else
          p.mutable_grad() = averaged.clone();
      }
    }
    return result;
  }

 private:
  GlooCommunicator& comm_;
};

}  // namespace

std::unique_ptr<DataParallel> DataParallel::ForThisProcess() {
  auto* gloo = dynamic_cast<GlooCommunicator*>(&Comm());
  if (!gloo) return nullptr;
  return std::make_unique<DataParallelGloo>(*gloo);
}

torch::Tensor DataParallel::Shard(const torch::Tensor& rows) const {
  const std::int64_t n = rows.size(0);
  const std::int64_t begin = n * rank() / size();
  const std::int64_t end = n * (rank() + 1) / size();
  return rows.slice(0, begin, end);
}

std::int64_t DataParallel::BytesPerStep(torch::nn::Module& module) {
  std::int64_t bytes = 2 * static_cast<std::int64_t>(sizeof(double));
  for (const auto& p : module.parameters())
    if (p.requires_grad()) bytes += p.numel() * static_cast<std::int64_t>(p.element_size());
  return bytes;
}

}  // namespace deep
}  // namespace finml::dist

extern "C" finml::dist::Communicator* finml_torch_join_gloo(const finml::dist::World& world) {
  // Lives as long as the process: the group's threads must not be torn down during exit.
  return new finml::dist::GlooCommunicator(world);
}
