// Text classifiers behind one interface: tfidf_logistic in the core; embedding_mlp, bilstm and
// the transformer on LibTorch in the torch module, loaded the first time one is made. A saved
// model is a directory: model.json (format finml-nlp/1, the kind, the classes, the settings, the
// provenance) beside the classifier's own files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/nlp/settings.hpp"

namespace finml::nlp {

inline constexpr const char* kTextModelFormat = "finml-nlp/1";

struct TextPredictions {
  std::size_t classes = 0;
  std::vector<double> probabilities;    // texts x classes, row-major
  std::vector<std::uint8_t> truncated;  // per text: cut at the model's max_length
  [[nodiscard]] std::size_t size() const { return truncated.size(); }
  [[nodiscard]] int Label(std::size_t i) const;
  [[nodiscard]] double Probability(std::size_t i, std::size_t c) const {
    return probabilities[i * classes + c];
  }
};

struct ClassifierSpec {
  NlpSettings settings;
  std::size_t classes = 0;
  bool progress = false;
  std::string label;  // on the progress line
};

class TextClassifier {
 public:
  virtual ~TextClassifier() = default;
  // Learns from `texts` with labels in [0, classes); holds out settings.network.validation of
  // them (stratified) for early stopping where the model trains by epochs.
  virtual void Fit(const std::vector<std::string>& texts, const std::vector<int>& labels) = 0;
  [[nodiscard]] virtual TextPredictions Predict(const std::vector<std::string>& texts) const = 0;
  // Writes the classifier's files into `dir` (each aside, then renamed).
  virtual void Save(const std::string& dir) const = 0;
  // Reads them back; a missing or malformed file is an InvalidInput naming it.
  virtual void Load(const std::string& dir) = 0;
  // What the fit learned that a report shows: {"history": [{"train", "validation"}...],
  // "best_epoch", "pretrain_history", "vocab_size", ...}; may be empty.
  [[nodiscard]] virtual nlohmann::json Summary() const { return nlohmann::json::object(); }
};

// Per class, n / (classes * count): scikit-learn's "balanced" class weights (0 for an absent
// class).
[[nodiscard]] std::vector<double> BalancedClassWeights(const std::vector<int>& labels,
                                                       std::size_t classes);

// The registry: one line per model kind (src/nlp/classifier.cpp).
[[nodiscard]] std::unique_ptr<TextClassifier> MakeTextClassifier(const ClassifierSpec& spec);

// Word attributions by occlusion: how much the probability of `target` falls when each word is
// left out (positive: the word pushed towards `target`). Works for every model alike; only the
// first kMaxOccludedWords words are scored.
inline constexpr std::size_t kMaxOccludedWords = 128;
struct WordAttribution {
  std::string word;
  double effect = 0;
};
[[nodiscard]] std::vector<WordAttribution> Attributions(const TextClassifier& model,
                                                        const std::string& text, int target);
// The `k` words with the largest effects, strongest first.
[[nodiscard]] std::vector<WordAttribution> TopWords(std::vector<WordAttribution> words,
                                                    std::size_t k);

// A model directory, loaded.
struct SavedTextModel {
  std::string dir;
  TextModelKind kind = TextModelKind::kTfidfLogistic;
  std::vector<std::string> classes;
  NlpSettings settings;
  nlohmann::json manifest;
  std::unique_ptr<TextClassifier> model;

  [[nodiscard]] static SavedTextModel Load(const std::string& dir);
};
void SaveTextModel(const TextClassifier& model, const ClassifierSpec& spec,
                   const std::vector<std::string>& classes, const Provenance& provenance,
                   const std::string& dir);
[[nodiscard]] bool IsTextModelDirectory(const std::string& dir);

}  // namespace finml::nlp

// Entry points of the torch module; call them through FINML_MODULE_FUNCTION.
extern "C" {
finml::nlp::TextClassifier* finml_torch_make_text_classifier(
    const finml::nlp::ClassifierSpec& spec);
// MLM pretraining of a tokenizer and encoder on `corpus`, written into `dir`; returns the
// summary (loss history, sizes) through `summary`.
void finml_torch_pretrain_encoder(const finml::nlp::PretrainSettings& settings,
                                  const std::vector<std::string>& corpus, const std::string& dir,
                                  bool progress, nlohmann::json& summary);
}
