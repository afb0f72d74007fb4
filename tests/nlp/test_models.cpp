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

// Learns the rule, gives the same bits from the same seed, and predicts identically once saved
// and loaded; the rule's word carries the decision.
void ExpectLearnsReproduciblyAndSavesExactly(const ClassifierSpec& spec, const std::string& name) {
  const auto train = testing::MakeRuleCorpus(600, 11), test = testing::MakeRuleCorpus(200, 12);
  auto model = MakeTextClassifier(spec);
  model->Fit(train.texts, train.labels);
  EXPECT_GT(Accuracy(*model, test), 0.9) << name;

  auto again = MakeTextClassifier(spec);
  again->Fit(train.texts, train.labels);
  EXPECT_EQ(again->Predict(test.texts).probabilities, model->Predict(test.texts).probabilities);

  const std::string dir = finml::testing::TempDir("nlp_save_" + name);
  SaveTextModel(*model, spec, {"negative", "neutral", "positive"}, Provenance{"test"}, dir);
  const SavedTextModel loaded = SavedTextModel::Load(dir);
  EXPECT_EQ(loaded.kind, spec.settings.model);
  EXPECT_EQ(loaded.classes.size(), 3u);
  EXPECT_EQ(loaded.model->Predict(test.texts).probabilities,
            model->Predict(test.texts).probabilities);

  const int positive = 2;
  const auto words = TopWords(Attributions(*model, "the company said net sales rose", positive), 1);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].word, "rose");
}

// `a` and `b`, one setting apart, fitted from the same seed on the same texts: the setting must
// change what the model predicts. Returns both fits.
std::pair<std::unique_ptr<TextClassifier>, std::unique_ptr<TextClassifier>> ExpectTrainApart(
    const ClassifierSpec& a, const ClassifierSpec& b) {
  const auto train = testing::MakeRuleCorpus(300, 5), test = testing::MakeRuleCorpus(50, 6);
  auto first = MakeTextClassifier(a), second = MakeTextClassifier(b);
  first->Fit(train.texts, train.labels);
  second->Fit(train.texts, train.labels);
  EXPECT_NE(first->Predict(test.texts).probabilities, second->Predict(test.texts).probabilities);
  return {std::move(first), std::move(second)};
}

class EveryModel : public ::testing::TestWithParam<TextModelKind> {};

TEST_P(EveryModel, LearnsTheRuleReproduciblyAndSavesExactly) {
  ExpectLearnsReproduciblyAndSavesExactly(SmallSpec(GetParam()), TextModelName(GetParam()));
}

// Mean pooling is saved with the network (a [CLS] reading of the same weights would differ), and
// the cross-fitted teacher and its word-dropped copies keep the fit reproducible.
TEST(NlpModels, TransformerWithMeanPoolingAndATeacherLearnsTheRuleAndSavesExactly) {
  auto spec = SmallSpec(TextModelKind::kTransformer);
  spec.settings.network.pooling = PoolingKind::kMean;
  spec.settings.network.distill = 0.5;
  spec.settings.network.distill_copies = 1;
  ExpectLearnsReproduciblyAndSavesExactly(spec, "transformer_mean_distill");
}

// Hashed n-gram buckets are part of the saved network: learned with it, recorded in
// network.json, and a network.json declaring more buckets than network.pt holds is refused.
TEST(NlpModels, TransformerWithNgramBucketsLearnsTheRuleAndSavesExactly) {
  auto spec = SmallSpec(TextModelKind::kTransformer);
  spec.settings.network.pooling = PoolingKind::kMean;
  spec.settings.network.ngram_buckets = 512;
  ExpectLearnsReproduciblyAndSavesExactly(spec, "transformer_ngrams");

  spec.settings.loop.epochs = 3;
  auto without = spec;
  without.settings.network.ngram_buckets = 0;
  const auto with = ExpectTrainApart(spec, without).first;
  const std::string dir = finml::testing::TempDir("nlp_ngram_buckets");
  SaveTextModel(*with, spec, {"negative", "neutral", "positive"}, Provenance{"test"}, dir);
  const std::string network = dir + "/network.json";
  auto j = nlohmann::json::parse(ReadFile(network));
  EXPECT_EQ(j["ngram_buckets"].get<std::int64_t>(), 512);
  j["ngram_buckets"] = 1 << 20;
  WriteFileAtomic(network, j.dump());
  try {
    (void)SavedTextModel::Load(dir);
    ADD_FAILURE() << "a network.json claiming 2^20 buckets loaded";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("network.pt"), std::string::npos) << e.what();
  }
}

// A seed ensemble is the mean of the single models its seeds give, and saves every member.
TEST(NlpModels, MembersAverageTheNetworksOfConsecutiveSeeds) {
  auto spec = SmallSpec(TextModelKind::kEmbeddingMlp);
  spec.settings.network.members = 2;
  ExpectLearnsReproduciblyAndSavesExactly(spec, "embedding_mlp_members");

  const auto train = testing::MakeRuleCorpus(600, 11), test = testing::MakeRuleCorpus(50, 12);
  auto ensemble = MakeTextClassifier(spec);
  ensemble->Fit(train.texts, train.labels);
  spec.settings.network.members = 1;
  auto first = MakeTextClassifier(spec);
  first->Fit(train.texts, train.labels);
  spec.settings.seed += 1;
  auto second = MakeTextClassifier(spec);
  second->Fit(train.texts, train.labels);
  const auto mean = ensemble->Predict(test.texts), a = first->Predict(test.texts),
             b = second->Predict(test.texts);
  ASSERT_EQ(mean.probabilities.size(), a.probabilities.size());
  for (std::size_t i = 0; i < a.probabilities.size(); ++i)
    EXPECT_DOUBLE_EQ(mean.probabilities[i], (a.probabilities[i] + b.probabilities[i]) / 2);
  EXPECT_EQ(ensemble->Summary()["members"].size(), 2u);
}

// The teacher's targets enter the loss: the same seed with and without them trains apart.
TEST(NlpModels, DistillationChangesTheFit) {
  auto spec = SmallSpec(TextModelKind::kEmbeddingMlp);
  spec.settings.loop.epochs = 3;
  auto with_teacher = spec;
  with_teacher.settings.network.distill = 0.7;
  const auto [plain, taught] = ExpectTrainApart(spec, with_teacher);
  // The rule is plain to the teacher too: its out-of-fold accuracy is recorded, and high.
  EXPECT_GT(taught->Summary()["teacher"]["out_of_fold_accuracy"].get<double>(), 0.9);
  EXPECT_FALSE(plain->Summary().contains("teacher"));
}

// A refit learns from every text, validation share included, for the epochs early stopping chose,
// and is what the model keeps: reproducible, saved exactly, and not the first pass's network.
TEST(NlpModels, RefitTrainsEveryTextForTheChosenEpochs) {
  auto spec = SmallSpec(TextModelKind::kTransformer);
  spec.settings.network.pooling = PoolingKind::kMean;
  spec.settings.network.distill = 0.5;
  spec.settings.network.refit = true;
  ExpectLearnsReproduciblyAndSavesExactly(spec, "transformer_refit");

  const auto train = testing::MakeRuleCorpus(600, 11), test = testing::MakeRuleCorpus(50, 12);
  auto refitted = MakeTextClassifier(spec);
  refitted->Fit(train.texts, train.labels);
  const auto summary = refitted->Summary();
  const auto chosen = summary["fine_tune"]["best_epoch"].get<std::int64_t>();
  ASSERT_GE(chosen, 1);
  EXPECT_EQ(summary["refit"]["epochs"].get<std::int64_t>(), chosen);
  EXPECT_EQ(summary["refit"]["texts"].get<std::size_t>(), train.texts.size());
  EXPECT_EQ(summary["refit"]["fine_tune"]["history"].size(), static_cast<std::size_t>(chosen));
  // Its teacher was cross-fitted on every text too.
  EXPECT_TRUE(summary["refit"].contains("teacher"));

  spec.settings.network.refit = false;
  auto first_pass = MakeTextClassifier(spec);
  first_pass->Fit(train.texts, train.labels);
  EXPECT_FALSE(first_pass->Summary().contains("refit"));
  EXPECT_NE(first_pass->Predict(test.texts).probabilities,
            refitted->Predict(test.texts).probabilities);
}

// A blend is (1 - w) of the network's probabilities and w of a tfidf_logistic fitted on the same
// texts; both are saved, and a directory that lost tfidf_logistic's files is refused by name.
TEST(NlpModels, BlendMixesTheNetworkWithTfidfLogisticAndSavesBoth) {
  auto spec = SmallSpec(TextModelKind::kEmbeddingMlp);
  spec.settings.network.blend = 0.3;
  ExpectLearnsReproduciblyAndSavesExactly(spec, "embedding_mlp_blend");

  const auto train = testing::MakeRuleCorpus(600, 11), test = testing::MakeRuleCorpus(50, 12);
  auto blended = MakeTextClassifier(spec);
  blended->Fit(train.texts, train.labels);
  EXPECT_DOUBLE_EQ(blended->Summary()["blend"]["weight"].get<double>(), 0.3);
  // Messages and reports name the blend, so its figures are not read as the network's alone.
  EXPECT_EQ(TextModelTitle(spec.settings),
            "embedding_mlp blended with tfidf_logistic (0.30 of it)");
  {
    NlpSettings titled;
    EXPECT_EQ(TextModelTitle(titled), "tfidf_logistic");
    titled.model = TextModelKind::kTransformer;
    EXPECT_EQ(TextModelTitle(titled), "transformer");
    // Everything that changes what the network is appears in the name its figures carry.
    titled.network.distill = 0.5;
    titled.network.distill_copies = 2;
    titled.network.ngram_buckets = 4096;
    titled.loop.weight_average = 0.995;
    titled.network.members = 3;
    titled.network.pretrain_epochs = 30;
    titled.network.blend = 0.5;
    EXPECT_EQ(TextModelTitle(titled),
              "transformer (MLM-pretrained, distilled from tfidf_logistic (0.50, 2 copies per "
              "text), 4096 n-gram buckets, weight average 0.995, 3 members) blended with "
              "tfidf_logistic (0.50 of it)");
  }
  spec.settings.network.blend = 0;
  auto network = MakeTextClassifier(spec);
  network->Fit(train.texts, train.labels);
  spec.settings.model = TextModelKind::kTfidfLogistic;
  auto tfidf = MakeTextClassifier(spec);
  tfidf->Fit(train.texts, train.labels);
  const auto mix = blended->Predict(test.texts), a = network->Predict(test.texts),
             b = tfidf->Predict(test.texts);
  ASSERT_EQ(mix.probabilities.size(), a.probabilities.size());
  for (std::size_t i = 0; i < a.probabilities.size(); ++i)
    EXPECT_DOUBLE_EQ(mix.probabilities[i], 0.7 * a.probabilities[i] + 0.3 * b.probabilities[i]);

  spec = SmallSpec(TextModelKind::kEmbeddingMlp);
  spec.settings.network.blend = 0.3;
  const std::string dir = finml::testing::TempDir("nlp_blend_missing");
  SaveTextModel(*blended, spec, {"negative", "neutral", "positive"}, Provenance{"test"}, dir);
  std::filesystem::remove_all(dir + "/blend_tfidf");
  try {
    (void)SavedTextModel::Load(dir);
    ADD_FAILURE() << "a blend without its tfidf_logistic loaded";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("blend_tfidf"), std::string::npos) << e.what();
  }
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
