// Copies of one model handed out one per request: a copy is used by one thread at a time, and a
// request waits only when every copy is busy.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace finml::serve {

template <typename Model>
class ReplicaPool {
 public:
  explicit ReplicaPool(std::vector<std::unique_ptr<Model>> replicas)
      : replicas_(std::move(replicas)) {
    for (auto& r : replicas_) free_.push_back(r.get());
  }

  class Lease {
   public:
    Lease(ReplicaPool& pool, Model* model) : pool_(pool), model_(model) {}
    ~Lease() { pool_.Return(model_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Model& operator*() const { return *model_; }
    Model* operator->() const { return model_; }

   private:
    ReplicaPool& pool_;
    Model* model_;
  };

  [[nodiscard]] Lease Acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !free_.empty(); });
    Model* m = free_.back();
    free_.pop_back();
    return Lease(*this, m);
  }

  [[nodiscard]] const Model& Any() const { return *replicas_.front(); }

 private:
  void Return(Model* m) {
    {
      std::lock_guard lock(mutex_);
      free_.push_back(m);
    }
    available_.notify_one();
  }

  std::vector<std::unique_ptr<Model>> replicas_;
  std::vector<Model*> free_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace finml::serve
