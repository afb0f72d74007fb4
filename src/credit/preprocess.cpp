#include "finml/credit/preprocess.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <set>

#include "finml/core/error.hpp"

namespace finml::credit {
namespace {

constexpr const char* kMissingCategory = "(missing)";

void RequirePresent(const Table& t, const Column& c, std::size_t row, MissingHandling m) {
  if (m == MissingHandling::kError && c.Missing(row)) {
    throw DataError({t.source, row + 2, t.Index(c.name) + 1},
                    fmt::format("missing value in column '{}' (data row {})", c.name, row + 1),
                    "fill it, or set the missing policy to 'impute'");
  }
}

double Woe(double good, double bad, double total_good, double total_bad) {
  return std::log(((good + 0.5) / (total_good + 0.5)) / ((bad + 0.5) / (total_bad + 0.5)));
}

void MergeBins(std::vector<WoeBin>& bins, std::size_t i) {  // bin i into bin i + 1
  bins[i + 1].count += bins[i].count;
  bins[i + 1].events += bins[i].events;
  bins.erase(bins.begin() + static_cast<std::ptrdiff_t>(i));
}

double Rate(const WoeBin& b) {
  return b.count ? static_cast<double>(b.events) / static_cast<double>(b.count) : 0;
}

// Numeric bins are merged with a neighbour while one holds too few rows (into the smaller
// neighbour), then, for a monotonic fit, while two neighbours break the trend (pool adjacent
// violators, the trend being the sign of the first-to-last change in default rate).
void MergeNumericBins(std::vector<WoeBin>& bins, const PreprocessOptions& o, double rows) {
  const double min_count = o.min_bin_share * rows;
  // Two bins at least: one bin is a feature erased (WoE 0, IV 0) without a word.
  while (bins.size() > 2) {
    std::size_t smallest = 0;
    for (std::size_t i = 1; i < bins.size(); ++i)
      if (bins[i].count < bins[smallest].count) smallest = i;
    if (static_cast<double>(bins[smallest].count) >= min_count) break;
    if (smallest == 0) {
      MergeBins(bins, 0);
    } else if (smallest + 1 == bins.size() ||
               bins[smallest - 1].count <= bins[smallest + 1].count) {
      MergeBins(bins, smallest - 1);
    } else {
      MergeBins(bins, smallest);
    }
  }
  if (!o.monotonic) return;
  const bool rising = Rate(bins.back()) >= Rate(bins.front());
  for (bool merged = true; merged && bins.size() > 1;) {
    merged = false;
    for (std::size_t i = 0; i + 1 < bins.size(); ++i) {
      // Equal neighbours merge too: two bins with one rate are one bin.
      const bool breaks =
          rising ? Rate(bins[i]) >= Rate(bins[i + 1]) : Rate(bins[i]) <= Rate(bins[i + 1]);
      if (breaks) {
        MergeBins(bins, i);
        merged = true;
        break;
      }
    }
  }
}

void Relabel(std::vector<WoeBin>& bins) {
  double lower = -std::numeric_limits<double>::infinity();
  for (auto& b : bins) {
    b.label = fmt::format("({:g}, {:g}]", lower, b.upper);
    lower = b.upper;
  }
}

// Doubts a scorecard analyst would raise about a feature's bins.
void WarnAboutBins(const FeatureSpec& f, bool monotonic, std::vector<std::string>& warnings) {
  constexpr std::size_t kFewRows = 20;
  std::size_t small = 0, smallest = static_cast<std::size_t>(-1);
  for (const auto& b : f.bins) {
    if (b.count < kFewRows) ++small;
    smallest = std::min(smallest, b.count);
  }
  if (f.kind == ColumnKind::kNumeric && f.bins.size() < 2) {
    warnings.push_back(fmt::format(
        "'{}': one WoE bin: the feature carries no information in this encoding", f.name));
  }
  if (small > 0) {
    warnings.push_back(fmt::format(
        "'{}': {} of {} WoE bins {} fewer than {} training rows (the smallest {}): their "
        "weights of evidence are mostly noise (fix: fewer bins, --min-bin-share 0.05 "
        "(min_bin_share in a file), or more data)",
        f.name, small, f.bins.size(), small == 1 ? "holds" : "hold", kFewRows, smallest));
  }
  if (f.iv > 0.5) {
    warnings.push_back(fmt::format(
        "'{}': information value {:.2f} is implausibly strong (> 0.5): look for a target leak, or "
        "bins fitted to noise on a small table",
        f.name, f.iv));
  }
  if (f.kind == ColumnKind::kNumeric && !monotonic && f.bins.size() > 2) {
    std::size_t turns = 0;
    int direction = 0;
    for (std::size_t i = 0; i + 1 < f.bins.size(); ++i) {
      const double step = f.bins[i + 1].woe - f.bins[i].woe;
      const int d = step > 0 ? 1 : step < 0 ? -1 : 0;
      if (d != 0 && direction != 0 && d != direction) ++turns;
      if (d != 0) direction = d;
    }
    if (turns > 0) {
      warnings.push_back(fmt::format(
          "'{}': the weight of evidence changes direction {} time{} across its {} bins; a score "
          "that rises and falls with {} is hard to defend (fix: --monotonic, monotonic: true in a "
          "file)",
          f.name, turns, turns == 1 ? "" : "s", f.bins.size(), f.name));
    }
  }
}

}  // namespace

Preprocessor Preprocessor::Fit(const Table& t, const std::vector<std::size_t>& rows,
                               const std::vector<int>& y, const std::vector<std::string>& features,
                               const PreprocessOptions& o) {
  FINML_REQUIRE(!rows.empty(), "no training rows to fit the preprocessing on");
  FINML_REQUIRE(o.bins >= 2, "woe needs at least 2 bins");
  Preprocessor p;
  p.options_ = o;
  double total_bad = 0;
  for (std::size_t r : rows) total_bad += y[r];
  const double total_good = static_cast<double>(rows.size()) - total_bad;
  for (const auto& name : features) {
    const Column& c = t.Get(name);
    FeatureSpec f;
    f.name = name;
    f.kind = c.kind;
    for (std::size_t r : rows) RequirePresent(t, c, r, o.missing);
    if (c.kind == ColumnKind::kNumeric) {
      std::vector<double> v;
      for (std::size_t r : rows)
        if (!c.Missing(r)) v.push_back(c.numbers[r]);
      FINML_REQUIRE(!v.empty(), "column '{}' has no values in the training rows", name);
      std::sort(v.begin(), v.end());
      f.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
      double mean = 0;
      for (double x : v) mean += x / static_cast<double>(v.size());
      double ss = 0;
      for (double x : v) ss += (x - mean) * (x - mean);
      f.mean = mean;
      f.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0;
      if (!(f.sd > 0)) f.sd = 1;  // a constant column stays constant (0 after centring)
      if (o.encoding == Encoding::kWoe) {
        std::set<double> edges;
        const std::set<double> distinct(v.begin(), v.end());
        if (distinct.size() <= static_cast<std::size_t>(o.bins)) {
          // Few values (a 0/1 flag, a count of 1 to 4): a bin each. Quantiles would miss a rare
          // one: a flag that is 0 on 7% of rows had every decile at 1, so a single bin, WoE 0,
          // and the feature dropped, where the same flag written the other way round kept both.
          edges.insert(distinct.begin(), std::prev(distinct.end()));
        } else {
          for (int b = 1; b < o.bins; ++b) {
            const double pos = static_cast<double>(b) / o.bins * static_cast<double>(v.size() - 1);
            const double edge = v[static_cast<std::size_t>(std::floor(pos))];
            // An edge at the largest value would leave the bin above it empty (a 0/1 column
            // would get bins (-inf, 0], (0, 1] and an empty (1, inf]): the last bin takes it.
            if (edge < v.back()) edges.insert(edge);
          }
          // Most rows at the largest value: the values below it are a bin of their own.
          if (edges.empty()) edges.insert(*std::prev(distinct.end(), 2));
        }
        edges.insert(std::numeric_limits<double>::infinity());
        double lower = -std::numeric_limits<double>::infinity();
        for (double e : edges) {
          f.bins.push_back({fmt::format("({:g}, {:g}]", lower, e), e, 0, 0, 0});
          lower = e;
        }
      }
    } else {
      std::set<std::string> cats;
      for (std::size_t r : rows) cats.insert(c.Missing(r) ? kMissingCategory : c.labels[r]);
      f.categories.assign(cats.begin(), cats.end());
      if (o.encoding == Encoding::kWoe)
        for (const auto& cat : f.categories) f.bins.push_back({cat, 0, 0, 0, 0});
    }
    if (o.encoding == Encoding::kWoe) {
      double missing_count = 0, missing_bad = 0;
      for (std::size_t r : rows) {
        if (c.kind == ColumnKind::kNumeric && c.Missing(r)) {
          ++missing_count;
          missing_bad += y[r];
          continue;
        }
        std::size_t b = 0;
        if (c.kind == ColumnKind::kNumeric) {
          while (c.numbers[r] > f.bins[b].upper) ++b;
        } else {
          const std::string label = c.Missing(r) ? kMissingCategory : c.labels[r];
          b = static_cast<std::size_t>(
              std::lower_bound(f.categories.begin(), f.categories.end(), label) -
              f.categories.begin());
        }
        ++f.bins[b].count;
        f.bins[b].events += static_cast<std::size_t>(y[r]);
      }
      if (c.kind == ColumnKind::kNumeric) {
        MergeNumericBins(f.bins, o, static_cast<double>(rows.size()));
        Relabel(f.bins);
      }
      for (auto& bin : f.bins) {
        const double bad = static_cast<double>(bin.events);
        const double good = static_cast<double>(bin.count) - bad;
        bin.woe = Woe(good, bad, total_good, total_bad);
        f.iv += ((good + 0.5) / (total_good + 0.5) - (bad + 0.5) / (total_bad + 0.5)) * bin.woe;
      }
      if (missing_count > 0) {
        f.missing_bin = true;
        f.missing_woe = Woe(missing_count - missing_bad, missing_bad, total_good, total_bad);
        f.iv += ((missing_count - missing_bad + 0.5) / (total_good + 0.5) -
                 (missing_bad + 0.5) / (total_bad + 0.5)) *
                f.missing_woe;
      }
      WarnAboutBins(f, o.monotonic, p.warnings_);
      p.output_names_.push_back(name + "_woe");
    } else if (c.kind == ColumnKind::kNumeric) {
      p.output_names_.push_back(name);
    } else {
      for (const auto& cat : f.categories) p.output_names_.push_back(name + "=" + cat);
    }
    p.features_.push_back(std::move(f));
  }
  return p;
}

std::vector<double> Preprocessor::Transform(const Table& t, const std::vector<std::size_t>& rows,
                                            std::size_t* unseen) const {
  const std::size_t width = output_names_.size();
  std::vector<double> out(rows.size() * width, 0.0);
  std::vector<const Column*> columns;
  for (const auto& f : features_) {
    const Column& c = t.Get(f.name);
    if (f.kind == ColumnKind::kNumeric && c.kind != ColumnKind::kNumeric) {
      // Numeric in training, text here: name the first cell that is not a number.
      std::size_t row = 0;
      while (row < t.rows && c.labels[row].empty()) ++row;
      throw DataError({t.source, row + 2, t.Index(f.name) + 1},
                      fmt::format("'{}' is not a number, and column '{}' was numeric in training",
                                  row < t.rows ? c.labels[row] : "", f.name),
                      "write a number (or leave it empty with the impute policy)");
    }
    columns.push_back(&c);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t r = rows[i];
    double* dst = out.data() + i * width;
    std::size_t col = 0;
    for (std::size_t k = 0; k < features_.size(); ++k) {
      const FeatureSpec& f = features_[k];
      const Column& c = *columns[k];
      RequirePresent(t, c, r, options_.missing);
      // A numeric column read as text at scoring (a stray category) compares by label.
      const bool as_number = f.kind == ColumnKind::kNumeric;
      if (as_number) {
        const double v = c.Missing(r) ? f.median : c.numbers[r];
        if (options_.encoding == Encoding::kWoe) {
          if (c.Missing(r)) {
            dst[col++] = f.missing_bin ? f.missing_woe : 0.0;
          } else {
            std::size_t b = 0;
            while (v > f.bins[b].upper) ++b;
            dst[col++] = f.bins[b].woe;
          }
        } else {
          dst[col++] = (v - f.mean) / f.sd;
        }
        continue;
      }
      const std::string label = c.Missing(r)                     ? kMissingCategory
                                : c.kind == ColumnKind::kNumeric ? fmt::format("{:g}", c.numbers[r])
                                                                 : c.labels[r];
      auto it = std::lower_bound(f.categories.begin(), f.categories.end(), label);
      const bool known = it != f.categories.end() && *it == label;
      if (!known && unseen) ++*unseen;
      const auto idx = static_cast<std::size_t>(it - f.categories.begin());
      if (options_.encoding == Encoding::kWoe) {
        dst[col++] = known ? f.bins[idx].woe : 0.0;  // unseen: the neutral WoE
      } else {
        if (known) dst[col + idx] = 1.0;
        col += f.categories.size();
      }
    }
  }
  return out;
}

nlohmann::json Preprocessor::ToJson() const {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& f : features_) {
    nlohmann::json bins = nlohmann::json::array();
    for (const auto& b : f.bins)
      bins.push_back(
          {{"label", b.label},
           {"upper", std::isinf(b.upper) ? nlohmann::json("inf") : nlohmann::json(b.upper)},
           {"count", b.count},
           {"events", b.events},
           {"woe", b.woe}});
    features.push_back({{"name", f.name},
                        {"kind", f.kind == ColumnKind::kNumeric ? "numeric" : "categorical"},
                        {"mean", f.mean},
                        {"sd", f.sd},
                        {"median", f.median},
                        {"categories", f.categories},
                        {"bins", bins},
                        {"missing_bin", f.missing_bin},
                        {"missing_woe", f.missing_woe},
                        {"iv", f.iv}});
  }
  return {{"encoding", options_.encoding == Encoding::kWoe ? "woe" : "one_hot"},
          {"missing", options_.missing == MissingHandling::kImpute ? "impute" : "error"},
          {"bins", options_.bins},
          {"features", features},
          {"outputs", output_names_}};
}

Preprocessor Preprocessor::FromJson(const nlohmann::json& j) {
  return FromJson(JsonReader(j, "preprocessing"));
}

Preprocessor Preprocessor::FromJson(const JsonReader& j) {
  // Sizes a saved model could sensibly have; more is a corrupted or hostile file.
  constexpr std::size_t kMaxFeatures = 100000, kMaxCategories = 1000000, kMaxBins = 10000;
  Preprocessor p;
  p.options_.encoding = ParseEnumAt<Encoding>(j["encoding"]);
  p.options_.missing = ParseEnumAt<MissingHandling>(j["missing"]);
  p.options_.bins = static_cast<int>(j["bins"].Integer(2, static_cast<std::int64_t>(kMaxBins)));
  const bool woe = p.options_.encoding == Encoding::kWoe;
  const auto features = j["features"];
  const std::size_t count = features.Size(kMaxFeatures);
  std::size_t width = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const auto jf = features.At(k);
    FeatureSpec f;
    f.name = jf["name"].String();
    const std::string kind = jf["kind"].String();
    if (kind != "numeric" && kind != "categorical")
      jf["kind"].Fail("must be numeric or categorical");
    f.kind = kind == "numeric" ? ColumnKind::kNumeric : ColumnKind::kCategorical;
    f.mean = jf["mean"].Number();
    f.sd = jf["sd"].Number();
    f.median = jf["median"].Number();
    f.categories = jf["categories"].Strings(kMaxCategories);
    for (std::size_t c = 1; c < f.categories.size(); ++c)
      if (!(f.categories[c - 1] < f.categories[c]))
        jf["categories"].Fail("must be sorted and distinct (scoring looks categories up by order)");
    const auto bins = jf["bins"];
    const std::size_t nbins = bins.Size(kMaxCategories);
    for (std::size_t i = 0; i < nbins; ++i) {
      const auto jb = bins.At(i);
      WoeBin b;
      b.label = jb["label"].String();
      b.upper = jb["upper"].raw().is_string() && jb["upper"].String() == "inf"
                    ? std::numeric_limits<double>::infinity()
                    : jb["upper"].Number();
      b.count = static_cast<std::size_t>(
          jb["count"].Integer(0, std::numeric_limits<std::int64_t>::max()));
      b.events =
          static_cast<std::size_t>(jb["events"].Integer(0, static_cast<std::int64_t>(b.count)));
      b.woe = jb["woe"].Number();
      // Numeric bins are found by their upper bounds; categorical ones by category.
      if (f.kind == ColumnKind::kNumeric && i > 0 && !(b.upper > f.bins.back().upper))
        jb["upper"].Fail("must be above the previous bin's upper bound");
      f.bins.push_back(b);
    }
    if (woe && f.kind == ColumnKind::kNumeric &&
        (f.bins.empty() || !std::isinf(f.bins.back().upper)))
      bins.Fail("must hold the numeric feature's bins, the last one up to \"inf\"");
    if (woe && f.kind == ColumnKind::kCategorical && f.bins.size() != f.categories.size())
      bins.Fail(fmt::format("has {} bins for {} categories: one weight of evidence per category",
                            f.bins.size(), f.categories.size()));
    if (!woe && f.kind == ColumnKind::kNumeric && !(f.sd > 0))
      jf["sd"].Fail("must be > 0 (it divides every value)");
    f.missing_bin = jf["missing_bin"].Bool();
    f.missing_woe = jf["missing_woe"].Number();
    f.iv = jf["iv"].Number();
    width += woe || f.kind == ColumnKind::kNumeric ? 1 : f.categories.size();
    p.features_.push_back(std::move(f));
  }
  p.output_names_ = j["outputs"].Strings(kMaxCategories);
  if (p.output_names_.size() != width)
    j["outputs"].Fail(
        fmt::format("names {} columns where the features make {}", p.output_names_.size(), width));
  return p;
}

}  // namespace finml::credit
