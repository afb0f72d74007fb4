#include "sentiment_servable.hpp"

#include <fmt/format.h>

#include "finml/core/error.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/text.hpp"
#include "finml/serve/model_store.hpp"
#include "json_fields.hpp"
#include "replica_pool.hpp"
#include "request_error.hpp"

namespace finml::serve {
namespace {

constexpr std::size_t kMaxTopTokens = 50;
// Longer texts are refused: a sentiment model reads a few hundred tokens, and each text's
// attributions re-score copies of it.
constexpr std::size_t kMaxTextBytes = 20000;

class SentimentServable final : public Servable {
 public:
  SentimentServable(const std::string& dir, std::string name, const ServeLimits& limits)
      : name_(std::move(name)), limits_(limits) {
    std::vector<std::unique_ptr<nlp::SavedTextModel>> copies;
    for (std::size_t k = 0; k < std::max<std::size_t>(limits.replicas, 1); ++k)
      copies.push_back(std::make_unique<nlp::SavedTextModel>(nlp::SavedTextModel::Load(dir)));
    pool_ = std::make_unique<ReplicaPool<nlp::SavedTextModel>>(std::move(copies));
    version_ = ModelContentVersion(dir);
  }

  const std::string& Name() const override { return name_; }
  const char* Kind() const override { return "text"; }
  const std::string& Version() const override { return version_; }
  const nlohmann::json& DriftReference() const override { return empty_; }

  nlohmann::json Info() const override {
    const auto& m = pool_->Any().manifest;
    return {{"name", name_},
            {"kind", Kind()},
            {"version", version_},
            {"model", m.at("model")},
            {"classes", m.at("classes")},
            {"max_length", pool_->Any().settings.network.max_length},
            {"input",
             {{"texts", fmt::format("a list of 1 to {} UTF-8 texts of at most {} bytes",
                                    limits_.max_batch, kMaxTextBytes)},
              {"top_tokens", fmt::format("optional, 0 to {} (default 5)", kMaxTopTokens)}}},
            {"finml_version", ManifestBuild(m).first},
            {"git_commit", ManifestBuild(m).second},
            {"drift_reference", false}};
  }

  nlohmann::json Predict(const nlohmann::json& request, Observation& observed) const override {
    RequireObject(request, "");
    RequireKnownKeys(request, {"texts", "top_tokens"}, "");
    if (!request.contains("texts")) throw InvalidRequest("", "missing 'texts' (a list of texts)");
    const auto& list = RequireArray(request.at("texts"), "texts");
    if (list.empty() || list.size() > limits_.max_batch)
      throw RequestError(
          413, "batch_too_large",
          fmt::format("texts: {} texts; send 1 to {}", list.size(), limits_.max_batch), "texts");
    std::size_t top = 5;
    if (request.contains("top_tokens")) {
      const double v = RequireFiniteNumber(request.at("top_tokens"), "top_tokens");
      if (v < 0 || v > kMaxTopTokens || v != std::floor(v))
        throw InvalidValue("top_tokens",
                           fmt::format("must be a whole number from 0 to {}", kMaxTopTokens));
      top = static_cast<std::size_t>(v);
    }
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where = fmt::format("texts[{}]", i);
      const std::string& text = RequireString(list[i], where);
      if (text.size() > kMaxTextBytes)
        throw RequestError(
            413, "text_too_long",
            fmt::format("{}: {} bytes; send at most {}", where, text.size(), kMaxTextBytes), where);
      if (const auto problem = nlp::TextProblem(text)) throw InvalidValue(where, *problem);
      texts.push_back(text);
    }
    auto lease = pool_->Acquire();
    const auto& model = *lease->model;
    const auto& classes = lease->classes;
    const nlp::TextPredictions p = model.Predict(texts);
    nlohmann::json answers = nlohmann::json::array();
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const int label = p.Label(i);
      nlohmann::json probabilities = nlohmann::json::object();
      for (std::size_t c = 0; c < classes.size(); ++c)
        probabilities[classes[c]] = p.Probability(i, c);
      nlohmann::json answer = {{"label", classes[static_cast<std::size_t>(label)]},
                               {"probabilities", probabilities},
                               {"truncated", p.truncated[i] != 0}};
      if (top > 0) {
        nlohmann::json words = nlohmann::json::array();
        for (const auto& w : nlp::TopWords(nlp::Attributions(model, texts[i], label), top))
          words.push_back({{"word", w.word}, {"effect", w.effect}});
        answer["top_tokens"] = words;
      }
      answers.push_back(answer);
      observed.predictions.push_back(p.Probability(i, static_cast<std::size_t>(label)));
    }
    return {{"model", name_}, {"version", version_}, {"kind", Kind()}, {"predictions", answers}};
  }

 private:
  std::string name_, version_;
  ServeLimits limits_;
  std::unique_ptr<ReplicaPool<nlp::SavedTextModel>> pool_;
  nlohmann::json empty_ = nlohmann::json::object();
};

}  // namespace

std::shared_ptr<const Servable> LoadSentimentServable(const std::string& dir,
                                                      const std::string& name,
                                                      const ServeLimits& limits) {
  return std::make_shared<SentimentServable>(dir, name, limits);
}

}  // namespace finml::serve
