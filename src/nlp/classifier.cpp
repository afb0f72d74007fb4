#include "finml/nlp/classifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "finml/core/build_info.hpp"
#include "finml/core/config_node.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/modules.hpp"
#include "finml/nlp/text.hpp"
#include "finml/nlp/tfidf.hpp"

namespace finml::nlp {
namespace {

class TfidfLogistic final : public TextClassifier {
 public:
  explicit TfidfLogistic(ClassifierSpec spec) : spec_(std::move(spec)) {}

  void Fit(const std::vector<std::string>& texts, const std::vector<int>& labels) override {
    vectorizer_ = TfidfVectorizer::Fit(texts, spec_.settings.tfidf);
    const SparseRows x = vectorizer_.Transform(texts);
    model_ = FitSoftmax(
        x, labels, spec_.classes, spec_.settings.tfidf.logistic_c,
        spec_.settings.network.class_weights ? RowWeights(labels) : std::vector<double>{});
  }

  TextPredictions Predict(const std::vector<std::string>& texts) const override {
    const SparseRows x = vectorizer_.Transform(texts);
    TextPredictions p;
    p.classes = model_.classes;
    p.probabilities.resize(texts.size() * p.classes);
    p.truncated.assign(texts.size(), 0);
    for (std::size_t r = 0; r < texts.size(); ++r)
      model_.Probabilities(x, r, p.probabilities.data() + r * p.classes);
    return p;
  }

  void Save(const std::string& dir) const override {
    WriteFileAtomic(
        dir + "/tfidf_logistic.json",
        nlohmann::json{{"vectorizer", vectorizer_.ToJson()}, {"model", model_.ToJson()}}.dump());
  }

  void Load(const std::string& dir) override {
    const std::string path = dir + "/tfidf_logistic.json";
    const nlohmann::json j = JsonReader::Parse(ReadFile(path, 1 << 30), path);
    const JsonReader r(j, path);
    vectorizer_ = TfidfVectorizer::FromJson(r["vectorizer"]);
    model_ = SoftmaxRegression::FromJson(r["model"]);
    FINML_REQUIRE(
        model_.features == vectorizer_.Vocabulary().size() && model_.classes == spec_.classes,
        "{}: the model has {} features and {} classes; the vocabulary {} and the "
        "manifest {} classes",
        path, model_.features, model_.classes, vectorizer_.Vocabulary().size(), spec_.classes);
  }

  nlohmann::json Summary() const override {
    return {{"terms", vectorizer_.Vocabulary().size()},
            {"converged", model_.converged},
            {"iterations", model_.iterations}};
  }

 private:
  std::vector<double> RowWeights(const std::vector<int>& labels) const {
    const auto per_class = BalancedClassWeights(labels, spec_.classes);
    std::vector<double> w;
    for (const int y : labels) w.push_back(per_class[static_cast<std::size_t>(y)]);
    return w;
  }

  ClassifierSpec spec_;
  TfidfVectorizer vectorizer_;
  SoftmaxRegression model_;
};

std::unique_ptr<TextClassifier> MakeTorchClassifier(const ClassifierSpec& spec) {
  return std::unique_ptr<TextClassifier>(
      FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_text_classifier)(spec));
}

// `members` networks of one kind, member k fitted with seed + k on the same texts and saved in
// member_k/; the probabilities are their mean.
class SeedEnsemble final : public TextClassifier {
 public:
  explicit SeedEnsemble(ClassifierSpec spec) : spec_(std::move(spec)) {}

  void Fit(const std::vector<std::string>& texts, const std::vector<int>& labels) override {
    members_.clear();
    for (std::int64_t k = 0; k < Count(); ++k) {
      auto& m = members_.emplace_back(MakeTorchClassifier(MemberSpec(k)));
      m->Fit(texts, labels);
    }
  }

  TextPredictions Predict(const std::vector<std::string>& texts) const override {
    TextPredictions mean = members_.front()->Predict(texts);
    for (std::size_t k = 1; k < members_.size(); ++k) {
      const auto p = members_[k]->Predict(texts);
      for (std::size_t i = 0; i < mean.probabilities.size(); ++i)
        mean.probabilities[i] += p.probabilities[i];
    }
    for (double& v : mean.probabilities) v /= static_cast<double>(members_.size());
    return mean;
  }

  void Save(const std::string& dir) const override {
    for (std::size_t k = 0; k < members_.size(); ++k) {
      const std::string member = MemberDir(dir, k);
      EnsureDirectory(member);
      members_[k]->Save(member);
    }
  }

  void Load(const std::string& dir) override {
    members_.clear();
    for (std::int64_t k = 0; k < Count(); ++k) {
      const std::string member = MemberDir(dir, static_cast<std::size_t>(k));
      FINML_REQUIRE(std::filesystem::is_directory(member),
                    "{}: missing, and model.json declares {} members (fix: restore it, or train "
                    "again)",
                    member, Count());
      auto& m = members_.emplace_back(MakeTorchClassifier(MemberSpec(k)));
      m->Load(member);
    }
  }

  // The first member's summary (the report's learning curves), and every member's.
  nlohmann::json Summary() const override {
    nlohmann::json out = members_.front()->Summary();
    out["members"] = nlohmann::json::array();
    for (const auto& m : members_) out["members"].push_back(m->Summary());
    return out;
  }

 private:
  std::int64_t Count() const { return spec_.settings.network.members; }

  ClassifierSpec MemberSpec(std::int64_t k) const {
    ClassifierSpec s = spec_;
    s.settings.seed += static_cast<std::uint64_t>(k);
    if (!s.label.empty()) s.label += fmt::format(" member {}/{}", k + 1, Count());
    return s;
  }

  static std::string MemberDir(const std::string& dir, std::size_t k) {
    return fmt::format("{}/member_{}", dir, k);
  }

  ClassifierSpec spec_;
  std::vector<std::unique_ptr<TextClassifier>> members_;
};

// The network (one, or a SeedEnsemble) and a tfidf_logistic fitted on the same texts; the
// probabilities are (1 - blend) * network + blend * tfidf_logistic. The network's files stay
// where they would be without the blend; tfidf_logistic's go to blend_tfidf/.
class TfidfBlend final : public TextClassifier {
 public:
  TfidfBlend(ClassifierSpec spec, std::unique_ptr<TextClassifier> network)
      : spec_(std::move(spec)), network_(std::move(network)), tfidf_(TfidfSpec(spec_)) {}

  void Fit(const std::vector<std::string>& texts, const std::vector<int>& labels) override {
    network_->Fit(texts, labels);
    tfidf_.Fit(texts, labels);
  }

  TextPredictions Predict(const std::vector<std::string>& texts) const override {
    TextPredictions out = network_->Predict(texts);
    const TextPredictions tfidf = tfidf_.Predict(texts);
    const double w = spec_.settings.network.blend;
    for (std::size_t i = 0; i < out.probabilities.size(); ++i)
      out.probabilities[i] = (1 - w) * out.probabilities[i] + w * tfidf.probabilities[i];
    return out;
  }

  void Save(const std::string& dir) const override {
    network_->Save(dir);
    EnsureDirectory(TfidfDir(dir));
    tfidf_.Save(TfidfDir(dir));
  }

  void Load(const std::string& dir) override {
    FINML_REQUIRE(std::filesystem::is_directory(TfidfDir(dir)),
                  "{}: missing, and model.json declares blend {} (fix: restore it, or train "
                  "again)",
                  TfidfDir(dir), spec_.settings.network.blend);
    network_->Load(dir);
    tfidf_.Load(TfidfDir(dir));
  }

  nlohmann::json Summary() const override {
    nlohmann::json out = network_->Summary();
    out["blend"] = {{"weight", spec_.settings.network.blend}, {"with", "tfidf_logistic"}};
    return out;
  }

 private:
  static ClassifierSpec TfidfSpec(ClassifierSpec spec) {
    spec.settings.model = TextModelKind::kTfidfLogistic;
    spec.progress = false;
    return spec;
  }
  static std::string TfidfDir(const std::string& dir) { return dir + "/blend_tfidf"; }

  ClassifierSpec spec_;
  std::unique_ptr<TextClassifier> network_;
  TfidfLogistic tfidf_;
};

std::unique_ptr<TextClassifier> MakeNetworkClassifier(const ClassifierSpec& spec) {
  if (spec.settings.network.members > 1) return std::make_unique<SeedEnsemble>(spec);
  return MakeTorchClassifier(spec);
}

}  // namespace

std::vector<double> BalancedClassWeights(const std::vector<int>& labels, std::size_t classes) {
  std::vector<double> count(classes, 0), w(classes, 0);
  for (const int y : labels) ++count[static_cast<std::size_t>(y)];
  for (std::size_t c = 0; c < classes; ++c)
    if (count[c] > 0)
      w[c] = static_cast<double>(labels.size()) / (static_cast<double>(classes) * count[c]);
  return w;
}

int TextPredictions::Label(std::size_t i) const {
  const double* row = probabilities.data() + i * classes;
  return static_cast<int>(std::max_element(row, row + classes) - row);
}

std::unique_ptr<TextClassifier> MakeTextClassifier(const ClassifierSpec& spec) {
  FINML_REQUIRE(spec.classes >= 2, "a text classifier needs two classes or more");
  switch (spec.settings.model) {
    case TextModelKind::kTfidfLogistic:
      return std::make_unique<TfidfLogistic>(spec);
    case TextModelKind::kEmbeddingMlp:
    case TextModelKind::kBilstm:
    case TextModelKind::kTransformer:
      if (spec.settings.network.blend > 0)
        return std::make_unique<TfidfBlend>(spec, MakeNetworkClassifier(spec));
      return MakeNetworkClassifier(spec);
  }
  throw InternalError("unknown text model");
}

std::vector<WordAttribution> Attributions(const TextClassifier& model, const std::string& text,
                                          int target) {
  const auto words = Words(text);
  const auto c = static_cast<std::size_t>(target);
  const double whole = model.Predict({text}).Probability(0, c);
  // At most kMaxOccludedWords words, the leading ones (the neural models read no further than
  // their max_length), in chunks: a long text must not become thousands of copies at once.
  const std::size_t scored = std::min(words.size(), kMaxOccludedWords);
  constexpr std::size_t kChunk = 64;
  std::vector<WordAttribution> out;
  for (std::size_t first = 0; first < scored; first += kChunk) {
    std::vector<std::string> variants;
    for (std::size_t k = first; k < std::min(scored, first + kChunk); ++k) {
      std::string v = WithoutWord(text, words, k);
      // A one-word text left empty: score the empty input as a lone space.
      variants.push_back(v.empty() ? std::string(" ") : std::move(v));
    }
    const TextPredictions p = model.Predict(variants);
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const auto& w = words[first + i];
      out.push_back({text.substr(w.begin, w.end - w.begin), whole - p.Probability(i, c)});
    }
  }
  return out;
}

std::vector<WordAttribution> TopWords(std::vector<WordAttribution> words, std::size_t k) {
  std::stable_sort(words.begin(), words.end(),
                   [](const auto& a, const auto& b) { return a.effect > b.effect; });
  if (words.size() > k) words.resize(k);
  return words;
}

void SaveTextModel(const TextClassifier& model, const ClassifierSpec& spec,
                   const std::vector<std::string>& classes, const Provenance& provenance,
                   const std::string& dir) {
  EnsureDirectory(dir);
  model.Save(dir);
  nlohmann::json manifest = {
      {"format", kTextModelFormat},
      {"model", TextModelName(spec.settings.model)},
      {"classes", classes},
      {"settings", nlohmann::json::parse(NlpSettings::Schema().ToJson(spec.settings).dump())},
      {"summary", model.Summary()},
      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(dir + "/model.json", manifest.dump(2));
}

bool IsTextModelDirectory(const std::string& dir) {
  const std::string path = dir + "/model.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  try {
    const auto j = JsonReader::Parse(ReadFile(path, 64 << 20), path);
    return j.is_object() && j.value("format", "") == kTextModelFormat;
  } catch (const Error&) {
    return false;
  }
}

SavedTextModel SavedTextModel::Load(const std::string& dir) {
  SavedTextModel s;
  s.dir = dir;
  const std::string path = dir + "/model.json";
  if (!std::filesystem::exists(path) && std::filesystem::exists(dir + "/model/model.json"))
    throw InvalidInput(
        fmt::format("{} is the run's directory; its model is in {}/model (fix: --model {}/model)",
                    dir, dir, dir));
  s.manifest = JsonReader::Parse(ReadFile(path, 64 << 20), path);
  const JsonReader m(s.manifest, path);
  const std::string format = m["format"].String(64);
  if (format != kTextModelFormat)
    m["format"].Fail(fmt::format("is '{}', and a text model's is '{}'", format, kTextModelFormat));
  s.kind = ParseEnumAt<TextModelKind>(m["model"]);
  s.classes = m["classes"].Strings(10000);
  if (s.classes.size() < 2) m["classes"].Fail("needs two classes or more");
  s.settings = NlpSettings::Schema().Parse(ConfigNode::FromJson(m["settings"].raw(), path),
                                           "settings", NlpSettings{});
  s.settings.model = s.kind;
  ClassifierSpec spec{s.settings, s.classes.size(), false, ""};
  s.model = MakeTextClassifier(spec);
  s.model->Load(dir);
  return s;
}

}  // namespace finml::nlp
