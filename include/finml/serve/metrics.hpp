// The server's counters and latency histograms, rendered in the Prometheus text exposition
// format (version 0.0.4) for GET /metrics. Label values are escaped; series are sorted so the
// output is stable between scrapes.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace finml::serve {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  void Count(const std::string& name, const Labels& labels, double by = 1);
  void Set(const std::string& name, const Labels& labels, double value);        // a gauge
  void Observe(const std::string& name, const Labels& labels, double seconds);  // a histogram
  // HELP text and TYPE for a family; families without one are rendered as untyped.
  void Describe(const std::string& name, const std::string& type, const std::string& help);
  [[nodiscard]] double Value(const std::string& name, const Labels& labels) const;
  [[nodiscard]] std::string Render() const;

  // Upper bounds of the latency histogram buckets, in seconds (+Inf implied).
  static const std::vector<double>& LatencyBuckets();

 private:
  struct Histogram {
    std::vector<std::uint64_t> buckets;
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>> families_;  // name -> type, help
  std::map<std::string, std::map<std::string, double>> scalars_;         // name -> labels -> v
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
};

// {a="x",b="y"} with Prometheus escaping of backslash, quote and newline.
[[nodiscard]] std::string FormatLabels(const Labels& labels);

}  // namespace finml::serve
