// The served models and their hot reload. The store publishes an immutable name -> model map
// through an atomic shared pointer: a request takes the current map once and keeps the models it
// uses alive until it has answered, so a reload (load the new version, then swap the map) never
// fails or cuts a request in flight, and an old version is freed once its last request is done.
//
// Layout of the models directory: one subdirectory per served model, named as it is served, each
// a saved model (a forecaster's models/<name>/ from a run, or the output directory of
// `finml credit train`, or its model/ folder); symlinks are followed, so flipping a link to a new
// version directory is an atomic update. A run directory itself (with models/ inside) also works.
// A changed directory is reloaded once it looks the same on two polls in a row (not mid-copy), and
// only if it did not change while loading; a version that fails to load leaves the previous one
// serving. A vanished directory is dropped after 10 s (a deploy may delete, then copy).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "finml/serve/drift_monitor.hpp"
#include "finml/serve/metrics.hpp"
#include "finml/serve/servable.hpp"

namespace finml::serve {

struct LoadedModel {
  std::shared_ptr<const Servable> servable;
  std::shared_ptr<DriftMonitor> drift;
  std::string dir, fingerprint, loaded_at;
};
using ModelMap = std::map<std::string, std::shared_ptr<const LoadedModel>>;

struct ReloadSummary {
  std::vector<std::string> loaded, updated, removed;
  std::map<std::string, std::string> failed;  // model -> error
  [[nodiscard]] nlohmann::json ToJson() const;
};

class ModelStore {
 public:
  using Log = std::function<void(const std::string&)>;
  ModelStore(std::string root, ServeLimits limits, std::size_t drift_window,
             MetricsRegistry& metrics, Log log);
  ~ModelStore();

  // Scans the directory and loads what is new or changed. `force`: load changes and drop
  // vanished models now, without waiting for a second look.
  ReloadSummary Reload(bool force);
  [[nodiscard]] std::shared_ptr<const ModelMap> Snapshot() const { return models_.load(); }

  // Polls every `interval` in a background thread until StopWatching (or destruction).
  void StartWatching(std::chrono::milliseconds interval);
  void StopWatching();

 private:
  [[nodiscard]] std::map<std::string, std::string> Discover() const;  // name -> model dir

  std::string root_;
  ServeLimits limits_;
  std::size_t drift_window_;
  MetricsRegistry& metrics_;
  Log log_;
  std::atomic<std::shared_ptr<const ModelMap>> models_;
  std::mutex reload_mutex_;
  std::map<std::string, std::string> pending_;  // name -> fingerprint seen once, not loaded
  std::map<std::string, std::string> failed_;   // name -> fingerprint that failed to load
  std::map<std::string, std::chrono::steady_clock::time_point> missing_since_;
  static constexpr std::chrono::seconds kRemovalGrace{10};
  std::thread watcher_;
  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  bool stop_watching_ = false;
};

// The models directory's fingerprint of one model, cheap enough for every poll: every file's
// relative path, size, modification and change times and inode, hashed.
[[nodiscard]] std::string DirectoryFingerprint(const std::string& dir);

// A model's version: the first 12 hex digits of SHA-256 over every regular file in `dir` (names
// and contents, in name order), so a changed weights.pt or state.json is a new version even under
// the same manifest.
[[nodiscard]] std::string ModelContentVersion(const std::string& dir);
// The first of `keys` in the metrics.json beside a model (its fit's validation figures), or an
// empty object when there is none or it does not parse.
[[nodiscard]] nlohmann::json FitMetrics(const std::string& dir,
                                        const std::vector<std::string>& keys);

}  // namespace finml::serve
