#include "finml/serve/model_store.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "agent_servable.hpp"
#include "anomaly_servable.hpp"
#include "audit.hpp"
#include "credit_servable.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/eval/drift.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/rl/saved_agent.hpp"
#include "forecast_servable.hpp"
#include "fraud_servable.hpp"
#include "sentiment_servable.hpp"

namespace finml::serve {

namespace fs = std::filesystem;

nlohmann::json ReloadSummary::ToJson() const {
  return {{"loaded", loaded}, {"updated", updated}, {"removed", removed}, {"failed", failed}};
}

std::pair<std::string, std::string> ManifestBuild(const nlohmann::json& m) {
  if (m.contains("provenance") && m["provenance"].is_object() &&
      m["provenance"].contains("finml") && m["provenance"]["finml"].is_object()) {
    const auto& f = m["provenance"]["finml"];
    return {f.value("version", ""), f.value("commit", "")};
  }
  return {m.value("finml_version", ""), m.value("git_commit", "")};
}

std::shared_ptr<const Servable> LoadServable(const std::string& dir, const std::string& name,
                                             const ServeLimits& limits) {
  const std::string path = dir + "/model.json";
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: not a JSON model manifest ({})", path, e.what()));
  }
  const std::string format = manifest.value("format", "");
  if (format == "finml-model/1") return LoadForecastServable(dir, name, limits);
  if (format == "finml-credit/1") return LoadCreditServable(dir, name, limits);
  if (format == rl::kAgentFormat) return LoadAgentServable(dir, name, limits);
  if (format == nlp::kTextModelFormat) return LoadSentimentServable(dir, name, limits);
  if (format == "finml-anomaly/1") return LoadAnomalyServable(dir, name, limits);
  if (format == "finml-fraud/1") return LoadFraudServable(dir, name, limits);
  throw InvalidInput(
      fmt::format("{}: unknown model format '{}' (finml serves finml-model/1, "
                  "finml-credit/1, finml-rl/1, finml-nlp/1, finml-anomaly/1 and finml-fraud/1)",
                  path, format));
}

nlohmann::json FitMetrics(const std::string& dir, const std::vector<std::string>& keys) {
  try {
    const auto m = nlohmann::json::parse(ReadFile(dir + "/metrics.json"));
    for (const auto& key : keys)
      if (m.contains(key)) return m.at(key);
  } catch (const std::exception&) {
    // A model without readable metrics still serves.
  }
  return nlohmann::json::object();
}

std::string DirectoryFingerprint(const std::string& dir) {
  std::vector<std::string> entries;
  std::error_code ec;
  const fs::path base = fs::canonical(dir, ec);
  if (ec) return "";
  for (auto it = fs::recursive_directory_iterator(
           base, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    // Every file, by what changes when its bytes do without reading them at every poll: a copy
    // that keeps size and modification time (cp -p, rsync -t) still gets a new inode or change
    // time, which no tool can set back.
    entries.push_back(fmt::format("{}|{}|{}.{}|{}.{}|{}", fs::relative(it->path(), base).string(),
                                  st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                                  st.st_ctim.tv_sec, st.st_ctim.tv_nsec, st.st_ino));
  }
  std::sort(entries.begin(), entries.end());
  std::string joined = base.string() + "\n";
  for (const auto& e : entries) joined += e + "\n";
  return Sha256Hex(joined);
}

std::string ModelContentVersion(const std::string& dir) {
  std::vector<fs::path> files;
  const fs::path base = fs::canonical(dir);
  for (const auto& e : fs::recursive_directory_iterator(base))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string joined;
  for (const auto& f : files)
    joined += fs::relative(f, base).string() + " " + Sha256File(f.string()) + "\n";
  return Sha256Hex(joined).substr(0, 12);
}

ModelStore::ModelStore(std::string root, ServeLimits limits, std::size_t drift_window,
                       MetricsRegistry& metrics, Log log)
    : root_(std::move(root)),
      limits_(limits),
      drift_window_(drift_window),
      metrics_(metrics),
      log_(std::move(log)),
      models_(std::make_shared<const ModelMap>()) {
  FINML_REQUIRE(fs::is_directory(root_),
                "--models {}: not a directory (fix: pass the directory "
                "holding one folder per saved model)",
                root_);
}

ModelStore::~ModelStore() { StopWatching(); }

std::map<std::string, std::string> ModelStore::Discover() const {
  std::map<std::string, std::string> found;
  // Letters, digits, - and _: "lstm.new" or ".lstm" mid-deploy is never served by mistake.
  auto valid_name = [](const std::string& n) {
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
  };
  auto scan = [&](const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    // An unreadable directory is not an empty one: without this every model would be dropped.
    if (ec) throw IoError(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    for (; it != end; it.increment(ec)) {
      if (ec) throw IoError(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
      const std::string name = it->path().filename().string();
      std::error_code probe;
      if (!valid_name(name) || !fs::is_directory(it->path(), probe)) continue;
      if (fs::exists(it->path() / "model.json", probe))
        found[name] = it->path().string();
      else if (fs::exists(it->path() / "model" / "model.json", probe))
        found[name] = (it->path() / "model").string();
    }
  };
  std::error_code ec;
  if (fs::is_directory(fs::path(root_) / "models", ec) &&
      !fs::exists(fs::path(root_) / "model.json", ec))
    scan(fs::path(root_) / "models");
  scan(root_);
  return found;
}

namespace {

// Loads one model and checks that everything the routes will ask of it works, so a broken
// manifest fails here (and the previous version keeps serving) rather than in a request.
std::shared_ptr<LoadedModel> LoadChecked(const std::string& dir, const std::string& name,
                                         const ServeLimits& limits, std::size_t drift_window) {
  auto model = std::make_shared<LoadedModel>();
  model->servable = LoadServable(dir, name, limits);
  model->drift = std::make_shared<DriftMonitor>(model->servable->DriftReference(), drift_window);
  (void)model->servable->Info();
  const nlohmann::json report = model->drift->Report();
  if (model->drift->available()) {
    FINML_REQUIRE(report.contains("prediction"), "{}: the drift reference has no 'prediction'",
                  dir);
    const auto& features = model->servable->DriftReference().at("features");
    for (const auto& [feature, reference] : features.items()) {
      // A probe value through every reference: malformed bins or quantiles throw now.
      if (reference.value("kind", "") == "categorical") {
        (void)eval::CategoricalDrift(reference, {"x"});
      } else {
        (void)eval::NumericDrift(reference, {0.0});
      }
    }
    (void)eval::NumericDrift(model->servable->DriftReference().at("prediction"), {0.0});
  }
  model->dir = dir;
  model->loaded_at = UtcTimestampMillis();
  return model;
}

}  // namespace

ReloadSummary ModelStore::Reload(bool force) {
  std::lock_guard lock(reload_mutex_);
  ReloadSummary summary;
  const auto current = models_.load();
  auto next = std::make_shared<ModelMap>(*current);
  bool changed = false;
  std::map<std::string, std::string> present;
  try {
    present = Discover();
  } catch (const std::exception& e) {
    log_(fmt::format("model scan failed, nothing changed: {}", e.what()));
    summary.failed["*"] = e.what();
    return summary;
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [name, dir] : present) {
    missing_since_.erase(name);
    const std::string fingerprint = DirectoryFingerprint(dir);
    auto it = current->find(name);
    if (it != current->end() && it->second->fingerprint == fingerprint) {
      pending_.erase(name);
      continue;
    }
    // The same broken files are not retried (and logged) again, even when asked.
    if (auto f = failed_.find(name); f != failed_.end() && f->second == fingerprint) continue;
    // Load only what looked the same on the previous poll: a directory being copied in changes
    // between polls.
    if (!force && pending_[name] != fingerprint) {
      pending_[name] = fingerprint;
      continue;
    }
    pending_.erase(name);
    const bool update = it != current->end();
    try {
      auto model = LoadChecked(dir, name, limits_, drift_window_);
      // Files that changed while loading may have mixed versions across the replicas.
      if (DirectoryFingerprint(dir) != fingerprint)
        throw IoError("its files changed while loading; trying again on the next poll");
      model->fingerprint = fingerprint;
      (*next)[name] = model;
      changed = true;
      failed_.erase(name);
      (update ? summary.updated : summary.loaded).push_back(name);
      metrics_.Count("finml_model_loads_total",
                     {{"model", name}, {"outcome", update ? "updated" : "loaded"}});
      log_(fmt::format("{} model '{}' version {} ({}) from {}", update ? "reloaded" : "loaded",
                       name, model->servable->Version(), model->servable->Kind(), dir));
    } catch (const std::exception& e) {
      if (DirectoryFingerprint(dir) == fingerprint) failed_[name] = fingerprint;
      summary.failed[name] = e.what();
      metrics_.Count("finml_model_loads_total", {{"model", name}, {"outcome", "failed"}});
      log_(fmt::format("could not load model '{}' from {}: {}{}", name, dir, e.what(),
                       update ? " (the previous version keeps serving)" : ""));
    }
  }
  for (const auto& [name, model] : *current) {
    if (present.count(name)) continue;
    // A directory being replaced (two renames, or delete then copy) is briefly absent: a model
    // goes only after it has been missing for a while, unless asked to go now.
    auto [since, fresh] = missing_since_.try_emplace(name, now);
    if (!force && now - since->second < kRemovalGrace) continue;
    missing_since_.erase(name);
    next->erase(name);
    changed = true;
    summary.removed.push_back(name);
    metrics_.Count("finml_model_loads_total", {{"model", name}, {"outcome", "removed"}});
    log_(fmt::format("model '{}' removed (its directory is gone)", name));
  }
  if (changed) models_.store(std::shared_ptr<const ModelMap>(std::move(next)));
  return summary;
}

void ModelStore::StartWatching(std::chrono::milliseconds interval) {
  StopWatching();
  {
    std::lock_guard lock(watch_mutex_);
    stop_watching_ = false;
  }
  watcher_ = std::thread([this, interval] {
    std::unique_lock lock(watch_mutex_);
    while (!watch_cv_.wait_for(lock, interval, [&] { return stop_watching_; })) {
      lock.unlock();
      try {
        (void)Reload(false);
      } catch (const std::exception& e) {
        log_(fmt::format("model reload scan failed: {}", e.what()));
      }
      lock.lock();
    }
  });
}

void ModelStore::StopWatching() {
  {
    std::lock_guard lock(watch_mutex_);
    stop_watching_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace finml::serve
