// Every text model learns a rule it can see, reproducibly, and a saved model predicts as the
// fitted one did. The neural ones run in the torch module, loaded like the CLI loads it.
#include <gtest/gtest.h>

#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/workflow.hpp"
#include "nlp/text_util.hpp"
#include "test_util.hpp"

namespace finml::nlp {
namespace {

ClassifierSpec SmallSpec(TextModelKind kind) {
  ClassifierSpec spec;
  spec.classes = 3;
  auto& s = spec.settings;
  s.model = kind;
  s.tokenizer.vocab_size = 100;
  s.network.d_model = 32;
  s.network.heads = 2;
  s.network.ff = 64;
  s.network.layers = 1;
  s.network.hidden = 32;
  s.network.embedding_dim = 32;
  s.network.embedding_epochs = 30;
  s.network.dropout = 0.0;
  s.loop.epochs = 25;
  s.loop.lr = 3e-3;
  s.loop.patience = 5;
  return spec;
}

double Accuracy(const TextClassifier& model, const testing::RuleCorpus& c) {
  const auto p = model.Predict(c.texts);
  std::size_t right = 0;
  for (std::size_t i = 0; i < c.texts.size(); ++i) right += p.Label(i) == c.labels[i];
  return static_cast<double>(right) / static_cast<double>(c.texts.size());
}

class EveryModel : public ::testing::TestWithParam<TextModelKind> {};

TEST_P(EveryModel, LearnsTheRuleReproduciblyAndSavesExactly) {
  const auto train = testing::MakeRuleCorpus(600, 11), test = testing::MakeRuleCorpus(200, 12);
  const auto spec = SmallSpec(GetParam());
  auto model = MakeTextClassifier(spec);
  model->Fit(train.texts, train.labels);
  EXPECT_GT(Accuracy(*model, test), 0.9) << TextModelName(GetParam());

  // Same seed, same data: the same probabilities, to the bit.
  auto again = MakeTextClassifier(spec);
  again->Fit(train.texts, train.labels);
  EXPECT_EQ(again->Predict(test.texts).probabilities, model->Predict(test.texts).probabilities);

  const std::string dir =
      finml::testing::TempDir(std::string("nlp_save_") + TextModelName(GetParam()));
  SaveTextModel(*model, spec, {"negative", "neutral", "positive"}, Provenance{"test"}, dir);
  const SavedTextModel loaded = SavedTextModel::Load(dir);
  EXPECT_EQ(loaded.kind, GetParam());
  EXPECT_EQ(loaded.classes.size(), 3u);
  EXPECT_EQ(loaded.model->Predict(test.texts).probabilities,
            model->Predict(test.texts).probabilities);

  // The rule's words carry the decision.
  const int positive = 2;
  const auto words = TopWords(Attributions(*model, "the company said net sales rose", positive), 1);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].word, "rose");
}

INSTANTIATE_TEST_SUITE_P(NlpModels, EveryModel,
                         ::testing::Values(TextModelKind::kTfidfLogistic,
                                           TextModelKind::kEmbeddingMlp, TextModelKind::kBilstm,
                                           TextModelKind::kTransformer),
                         [](const auto& info) { return std::string(TextModelName(info.param)); });

TEST(NlpPretrain, MaskedLanguageModelLossFallsAndFineTuningStartsFromIt) {
  const auto corpus = testing::MakeTemplateCorpus(800, 21);
  // The classifiers' small network and tokenizer, pretrained.
  const auto small = SmallSpec(TextModelKind::kTransformer).settings;
  PretrainSettings s;
  s.tokenizer = small.tokenizer;
  s.network = small.network;
  s.loop.epochs = 12;
  s.loop.lr = 3e-3;
  const std::string dir = finml::testing::TempDir("nlp_pretrain");
  const auto lines = RunNlpPretrain(s, corpus, dir, Provenance{"test"}, false);
  ASSERT_FALSE(lines.empty());
  const auto j = JsonReader::Parse(ReadFile(dir + "/pretrain.json"), "pretrain.json");
  const auto& h = j["summary"]["history"];
  ASSERT_GE(h.size(), 3u);
  // Masked words of templates are guessable: the loss ends far below the first epoch's.
  EXPECT_LT(h[h.size() - 1]["train"].get<double>(), 0.5 * h[0]["train"].get<double>());

  auto spec = SmallSpec(TextModelKind::kTransformer);
  spec.settings.pretrained = dir;
  spec.settings.loop.epochs = 10;
  auto model = MakeTextClassifier(spec);
  const auto train = testing::MakeRuleCorpus(600, 11), test = testing::MakeRuleCorpus(200, 12);
  model->Fit(train.texts, train.labels);
  EXPECT_GT(Accuracy(*model, test), 0.9);
  EXPECT_EQ(model->Summary().value("pretrained_from", ""), dir);
  // A directory that is not a pretrained encoder is refused by name.
  spec.settings.pretrained = finml::testing::TempDir("nlp_not_pretrained");
  EXPECT_THROW(MakeTextClassifier(spec)->Fit(train.texts, train.labels), InvalidInput);
}

TEST(NlpModels, TruncationIsCounted) {
  auto spec = SmallSpec(TextModelKind::kBilstm);
  spec.settings.network.max_length = 8;
  spec.settings.loop.epochs = 2;
  const auto train = testing::MakeRuleCorpus(200, 3);
  auto model = MakeTextClassifier(spec);
  model->Fit(train.texts, train.labels);
  const auto p =
      model->Predict({"rose", "the company said net sales for the year of the group rose"});
  EXPECT_EQ(p.truncated[0], 0);
  EXPECT_EQ(p.truncated[1], 1);
}

}  // namespace
}  // namespace finml::nlp
