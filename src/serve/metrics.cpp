#include "finml/serve/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace finml::serve {

std::string FormatLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '\\')
        out += "\\\\";
      else if (c == '"')
        out += "\\\"";
      else if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    out += '"';
  }
  return out + "}";
}

namespace {

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// `{a="x"}` + le="0.1" -> `{a="x",le="0.1"}`.
std::string WithLe(const std::string& labels, const std::string& le) {
  const std::string pair = "le=\"" + le + "\"";
  if (labels.empty()) return "{" + pair + "}";
  return labels.substr(0, labels.size() - 1) + "," + pair + "}";
}

}  // namespace

MetricsRegistry::MetricsRegistry() = default;

const std::vector<double>& MetricsRegistry::LatencyBuckets() {
  static const std::vector<double> buckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                              1,      2.5,     5,      10};
  return buckets;
}

void MetricsRegistry::Count(const std::string& name, const Labels& labels, double by) {
  const std::string key = FormatLabels(labels);
  std::lock_guard lock(mutex_);
  scalars_[name][key] += by;
}

void MetricsRegistry::Set(const std::string& name, const Labels& labels, double value) {
  const std::string key = FormatLabels(labels);
  std::lock_guard lock(mutex_);
  scalars_[name][key] = value;
}

void MetricsRegistry::Observe(const std::string& name, const Labels& labels, double seconds) {
  const std::string key = FormatLabels(labels);
  const auto& bounds = LatencyBuckets();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  std::lock_guard lock(mutex_);
  Histogram& h = histograms_[name][key];
  if (h.buckets.empty()) h.buckets.assign(bounds.size() + 1, 0);
  ++h.buckets[bucket];
  ++h.count;
  h.sum += seconds;
}

void MetricsRegistry::Describe(const std::string& name, const std::string& type,
                               const std::string& help) {
  std::lock_guard lock(mutex_);
  families_[name] = {type, help};
}

double MetricsRegistry::Value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto family = scalars_.find(name);
  if (family == scalars_.end()) return 0;
  auto it = family->second.find(FormatLabels(labels));
  return it == family->second.end() ? 0 : it->second;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto header = [&](const std::string& name, const char* fallback_type) {
    auto it = families_.find(name);
    if (it != families_.end()) {
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, it->second.second, name,
                         it->second.first);
    } else {
      out += fmt::format("# TYPE {} {}\n", name, fallback_type);
    }
  };
  for (const auto& [name, series] : scalars_) {
    header(name, "untyped");
    for (const auto& [labels, v] : series) out += name + labels + " " + Number(v) + "\n";
  }
  const auto& bounds = LatencyBuckets();
  for (const auto& [name, series] : histograms_) {
    header(name, "histogram");
    for (const auto& [labels, h] : series) {
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b < bounds.size(); ++b) {
        cumulative += h.buckets[b];
        out += fmt::format("{}_bucket{} {}\n", name, WithLe(labels, Number(bounds[b])), cumulative);
      }
      out += fmt::format("{}_bucket{} {}\n", name, WithLe(labels, "+Inf"), h.count);
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, labels, Number(h.sum), name, labels,
                         h.count);
    }
  }
  return out;
}

}  // namespace finml::serve
