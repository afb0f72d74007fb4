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
      return MakeTorchClassifier(spec);
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
