#include "finml/nlp/tfidf.hpp"

#include <fmt/format.h>
#include <libalglib/optimization.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "finml/core/error.hpp"

namespace finml::nlp {
namespace {

bool WordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c >= 0x80;
}

// Term counts of one text, in a sorted map so that every pass sees the same order.
std::map<std::string, int> Counts(std::string_view text, int ngram_max) {
  std::map<std::string, int> counts;
  for (auto& t : Terms(text, ngram_max)) ++counts[t];
  return counts;
}

}  // namespace

std::vector<std::string> Terms(std::string_view text, int ngram_max) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !WordByte(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t b = i;
    while (i < text.size() && WordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i - b >= 2) {
      std::string w(text.substr(b, i - b));
      for (std::size_t k = 0; k < w.size(); ++k) {
        auto& ch = w[k];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        // Latin-1 capitals (U+00C0-U+00DE but the multiplication sign) as Python lowers them.
        const auto next = k + 1 < w.size() ? static_cast<unsigned char>(w[k + 1]) : 0;
        if (static_cast<unsigned char>(ch) == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97)
          w[k + 1] = static_cast<char>(next + 0x20);
      }
      words.push_back(std::move(w));
    }
  }
  std::vector<std::string> out = words;
  for (int n = 2; n <= ngram_max; ++n)
    for (std::size_t s = 0; s + n <= words.size(); ++s) {
      std::string g = words[s];
      for (int k = 1; k < n; ++k) g += " " + words[s + k];
      out.push_back(std::move(g));
    }
  return out;
}

TfidfVectorizer TfidfVectorizer::Fit(const std::vector<std::string>& texts,
                                     const TfidfSettings& settings) {
  FINML_REQUIRE(!texts.empty(), "TF-IDF needs texts to fit on");
  TfidfVectorizer v;
  v.ngram_max_ = static_cast<int>(settings.ngram_max);
  v.sublinear_ = settings.sublinear_tf;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> stats;  // df, total count
  for (const auto& t : texts)
    for (const auto& [term, count] : Counts(t, v.ngram_max_)) {
      auto& s = stats[term];
      ++s.first;
      s.second += count;
    }
  std::vector<std::pair<std::string, std::pair<std::int64_t, std::int64_t>>> kept;
  for (auto& [term, s] : stats)
    if (s.first >= settings.min_df) kept.emplace_back(term, s);
  if (settings.max_features > 0 && static_cast<std::int64_t>(kept.size()) > settings.max_features) {
    // scikit-learn keeps the highest corpus counts; ties go to the earlier term.
    std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
      return a.second.second > b.second.second;
    });
    kept.resize(static_cast<std::size_t>(settings.max_features));
    std::sort(kept.begin(), kept.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  FINML_REQUIRE(!kept.empty(),
                "TF-IDF: no term occurs in {} or more texts (fix: a smaller --min-df)",
                settings.min_df);
  const double n = static_cast<double>(texts.size());
  for (const auto& [term, s] : kept) {
    v.index_[term] = static_cast<std::int32_t>(v.terms_.size());
    v.terms_.push_back(term);
    v.idf_.push_back(std::log((1 + n) / (1 + static_cast<double>(s.first))) + 1);
  }
  return v;
}

SparseRows TfidfVectorizer::Transform(const std::vector<std::string>& texts) const {
  SparseRows x;
  x.cols = terms_.size();
  std::vector<std::pair<std::int32_t, double>> row;
  for (const auto& t : texts) {
    row.clear();
    for (const auto& [term, count] : Counts(t, ngram_max_)) {
      const auto it = index_.find(term);
      if (it == index_.end()) continue;
      const double tf = sublinear_ ? 1 + std::log(static_cast<double>(count)) : count;
      row.emplace_back(it->second, tf * idf_[static_cast<std::size_t>(it->second)]);
    }
    std::sort(row.begin(), row.end());
    double norm = 0;
    for (const auto& [c, v] : row) norm += v * v;
    norm = std::sqrt(norm);
    for (const auto& [c, v] : row) {
      x.columns.push_back(c);
      x.values.push_back(norm > 0 ? v / norm : 0);
    }
    x.offsets.push_back(x.columns.size());
  }
  return x;
}

nlohmann::json TfidfVectorizer::ToJson() const {
  return {
      {"ngram_max", ngram_max_}, {"sublinear_tf", sublinear_}, {"terms", terms_}, {"idf", idf_}};
}

TfidfVectorizer TfidfVectorizer::FromJson(const JsonReader& j) {
  TfidfVectorizer v;
  v.ngram_max_ = static_cast<int>(j["ngram_max"].Integer(1, 5));
  v.sublinear_ = j["sublinear_tf"].Bool();
  constexpr std::size_t kMaxTerms = 10'000'000;
  v.terms_ = j["terms"].Strings(kMaxTerms);
  v.idf_ = j["idf"].Numbers(kMaxTerms);
  FINML_REQUIRE(v.terms_.size() == v.idf_.size() && !v.terms_.empty(),
                "{}: {} terms but {} idf values", j.path(), v.terms_.size(), v.idf_.size());
  for (std::size_t k = 0; k < v.terms_.size(); ++k)
    v.index_[v.terms_[k]] = static_cast<std::int32_t>(k);
  return v;
}

void SoftmaxRegression::Probabilities(const SparseRows& x, std::size_t r, double* out) const {
  double top = -INFINITY;
  for (std::size_t k = 0; k < classes; ++k) {
    double z = intercepts[k];
    const double* w = weights.data() + k * features;
    for (std::size_t e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
      if (static_cast<std::size_t>(x.columns[e]) < features) z += w[x.columns[e]] * x.values[e];
    out[k] = z;
    top = std::max(top, z);
  }
  double sum = 0;
  for (std::size_t k = 0; k < classes; ++k) sum += (out[k] = std::exp(out[k] - top));
  for (std::size_t k = 0; k < classes; ++k) out[k] /= sum;
}

nlohmann::json SoftmaxRegression::ToJson() const {
  return {{"classes", classes},       {"features", features},   {"weights", weights},
          {"intercepts", intercepts}, {"converged", converged}, {"iterations", iterations}};
}

SoftmaxRegression SoftmaxRegression::FromJson(const JsonReader& j) {
  SoftmaxRegression m;
  m.classes = static_cast<std::size_t>(j["classes"].Integer(2, 100000));
  m.features = static_cast<std::size_t>(j["features"].Integer(1, 100'000'000));
  m.weights = j["weights"].Numbers(m.classes * m.features);
  m.intercepts = j["intercepts"].Numbers(m.classes);
  FINML_REQUIRE(m.weights.size() == m.classes * m.features && m.intercepts.size() == m.classes,
                "{}: weights for {} classes x {} features expected", j.path(), m.classes,
                m.features);
  m.converged = j["converged"].Bool();
  m.iterations = static_cast<int>(j["iterations"].Integer(0, 1'000'000'000));
  return m;
}

namespace {

struct SoftmaxProblem {
  const SparseRows* x;
  const std::vector<int>* y;
  const std::vector<double>* w;
  std::size_t k, p;
  double penalty;  // 1 / C
  std::vector<double> z;
};

void SoftmaxObjective(const alglib::real_1d_array& theta, double& f, alglib::real_1d_array& grad,
                      void* ptr) {
  auto& pr = *static_cast<SoftmaxProblem*>(ptr);
  const std::size_t k = pr.k, p = pr.p;
  const double* W = theta.getcontent();
  const double* b = W + k * p;
  double* gW = grad.getcontent();
  double* gb = gW + k * p;
  f = 0;
  for (std::size_t i = 0; i < k * p + k; ++i) gW[i] = 0;
  pr.z.resize(k);
  const auto& x = *pr.x;
  for (std::size_t r = 0; r < x.rows(); ++r) {
    double top = -INFINITY;
    for (std::size_t c = 0; c < k; ++c) {
      double s = b[c];
      for (std::size_t e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
        s += W[c * p + static_cast<std::size_t>(x.columns[e])] * x.values[e];
      pr.z[c] = s;
      top = std::max(top, s);
    }
    double sum = 0;
    for (std::size_t c = 0; c < k; ++c) sum += std::exp(pr.z[c] - top);
    const double log_sum = top + std::log(sum);
    const double weight = pr.w->empty() ? 1.0 : (*pr.w)[r];
    const int yr = (*pr.y)[r];
    f += weight * (log_sum - pr.z[static_cast<std::size_t>(yr)]);
    for (std::size_t c = 0; c < k; ++c) {
      const double d = weight * (std::exp(pr.z[c] - log_sum) - (static_cast<int>(c) == yr ? 1 : 0));
      gb[c] += d;
      for (std::size_t e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
        gW[c * p + static_cast<std::size_t>(x.columns[e])] += d * x.values[e];
    }
  }
  for (std::size_t i = 0; i < k * p; ++i) {
    f += 0.5 * pr.penalty * W[i] * W[i];
    gW[i] += pr.penalty * W[i];
  }
}

}  // namespace

SoftmaxRegression FitSoftmax(const SparseRows& x, const std::vector<int>& y, std::size_t classes,
                             double c, const std::vector<double>& sample_weights) {
  FINML_REQUIRE(x.rows() == y.size() && x.rows() > 0, "softmax regression: {} rows, {} labels",
                x.rows(), y.size());
  FINML_REQUIRE(classes >= 2, "softmax regression needs two classes or more");
  SoftmaxProblem pr{&x, &y, &sample_weights, classes, x.cols, 1.0 / c, {}};
  const std::size_t n = classes * x.cols + classes;
  alglib::real_1d_array theta;
  theta.setlength(static_cast<alglib::ae_int_t>(n));
  for (std::size_t i = 0; i < n; ++i) theta[static_cast<alglib::ae_int_t>(i)] = 0;
  SoftmaxRegression m;
  try {
    alglib::minlbfgsstate state;
    alglib::minlbfgsreport report;
    alglib::minlbfgscreate(10, theta, state);
    // scikit-learn's lbfgs stops at a projected gradient of 1e-4; this asks for less, so the two
    // agree to more digits than either prints.
    alglib::minlbfgssetcond(state, 1e-6, 0, 0, 2000);
    alglib::minlbfgsoptimize(state, SoftmaxObjective, nullptr, &pr);
    alglib::minlbfgsresults(state, theta, report);
    m.converged = report.terminationtype > 0 && report.terminationtype != 5;
    m.iterations = static_cast<int>(report.iterationscount);
  } catch (const alglib::ap_error& e) {
    throw InternalError(fmt::format("ALGLIB L-BFGS failed: {}", e.msg));
  }
  m.classes = classes;
  m.features = x.cols;
  m.weights.assign(theta.getcontent(), theta.getcontent() + classes * x.cols);
  m.intercepts.assign(theta.getcontent() + classes * x.cols, theta.getcontent() + n);
  return m;
}

}  // namespace finml::nlp
