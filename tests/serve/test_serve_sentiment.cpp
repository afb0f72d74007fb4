// A saved text model behind the server answers what the model predicts, with the words that
// drove each answer, and refuses texts it cannot read with the field's path.
#include <gtest/gtest.h>

#include "finml/core/provenance.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/serve/servable.hpp"
#include "nlp/text_util.hpp"
#include "serve/request_error.hpp"
#include "test_util.hpp"

namespace finml::serve {
namespace {

class ServeSentiment : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = finml::testing::TempDir("serve_sentiment");
    const auto c = nlp::testing::MakeRuleCorpus(600, 5);
    spec_.classes = 3;
    spec_.settings.tfidf.min_df = 1;
    model_ = nlp::MakeTextClassifier(spec_);
    model_->Fit(c.texts, c.labels);
    nlp::SaveTextModel(*model_, spec_, {"negative", "neutral", "positive"}, Provenance{"test"},
                       dir_);
  }
  static inline std::string dir_;
  static inline nlp::ClassifierSpec spec_;
  static inline std::unique_ptr<nlp::TextClassifier> model_;
};

TEST_F(ServeSentiment, AnswersWhatTheModelPredicts) {
  auto servable = LoadServable(dir_, "sentiment", ServeLimits{});
  EXPECT_STREQ(servable->Kind(), "text");
  EXPECT_EQ(servable->Info()["classes"][2], "positive");
  const std::vector<std::string> texts = {"the company said net sales rose",
                                          "the group said its results fell", "the board met"};
  Observation observed;
  const auto answer = servable->Predict({{"texts", texts}, {"top_tokens", 2}}, observed);
  const auto expected = model_->Predict(texts);
  ASSERT_EQ(answer["predictions"].size(), 3u);
  EXPECT_EQ(answer["predictions"][0]["label"], "positive");
  EXPECT_EQ(answer["predictions"][1]["label"], "negative");
  EXPECT_EQ(answer["predictions"][0]["top_tokens"][0]["word"], "rose");
  EXPECT_EQ(answer["predictions"][0]["top_tokens"].size(), 2u);
  for (std::size_t i = 0; i < texts.size(); ++i)
    EXPECT_DOUBLE_EQ(answer["predictions"][i]["probabilities"]["positive"].get<double>(),
                     expected.Probability(i, 2));
  EXPECT_EQ(observed.predictions.size(), 3u);
}

TEST_F(ServeSentiment, RefusesWhatItCannotRead) {
  auto servable = LoadServable(dir_, "sentiment", ServeLimits{});
  Observation observed;
  const auto refused = [&](const nlohmann::json& request, const std::string& field) {
    try {
      (void)servable->Predict(request, observed);
      ADD_FAILURE() << "accepted " << request.dump().substr(0, 200);
    } catch (const RequestError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  refused(nlohmann::json::object(), "texts");
  refused({{"texts", "one text"}}, "texts");
  refused({{"texts", nlohmann::json::array()}}, "texts");
  refused({{"texts", {"fine", "   "}}}, "texts[1]");
  refused({{"texts", {"fine", 3}}}, "texts[1]");
  refused({{"texts", {"fine"}}, {"top_tokens", -1}}, "top_tokens");
  refused({{"texts", {"fine"}}, {"colour", "red"}}, "colour");
  ServeLimits small;
  small.max_batch = 2;
  auto limited = LoadServable(dir_, "sentiment", small);
  EXPECT_THROW((void)limited->Predict({{"texts", {"a b", "c d", "e f"}}}, observed), RequestError);
}

}  // namespace
}  // namespace finml::serve
