// The text pipeline below the models: UTF-8 checks, the SentencePiece tokenizer, TF-IDF and the
// multinomial logistic regression against scikit-learn, the metrics, fastText word vectors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/nlp/metrics.hpp"
#include "finml/nlp/text.hpp"
#include "finml/nlp/tfidf.hpp"
#include "finml/nlp/tokenizer.hpp"
#include "finml/nlp/word_vectors.hpp"
#include "nlp/text_util.hpp"
#include "test_util.hpp"

namespace finml::nlp {
namespace {

TEST(NlpText, Utf8Checks) {
  EXPECT_FALSE(InvalidUtf8("plain ascii"));
  EXPECT_FALSE(InvalidUtf8("Caf\xC3\xA9 \xE2\x82\xAC 5 \xF0\x9F\x93\x88"));
  EXPECT_EQ(InvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(InvalidUtf8("\xC0\x80"), 0u);       // overlong NUL
  EXPECT_EQ(InvalidUtf8("x\xED\xA0\x80"), 1u);  // a UTF-16 surrogate
  EXPECT_EQ(InvalidUtf8("euro \xE2\x82"), 5u);  // cut short
  EXPECT_THROW(CheckText("  \t ", "t.csv:2:1"), InvalidInput);
  try {
    CheckText("caf\xE9", "news.csv:7:3");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("news.csv:7:3: invalid UTF-8 at byte 4"),
              std::string::npos)
        << e.what();
  }
}

TEST(NlpText, LoadTextsNamesTheCell) {
  const std::string dir = finml::testing::TempDir("nlp_load");
  WriteFileAtomic(dir + "/a.csv", "sentence,label\n\"Profit, up\",positive\n\"\",neutral\n");
  try {
    (void)LoadTexts(dir + "/a.csv", "sentence", "label");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("a.csv:3:1: the text is empty"), std::string::npos)
        << e.what();
  }
  WriteFileAtomic(dir + "/b.csv", "sentence,label\nProfit up,positive\n");
  EXPECT_THROW((void)LoadTexts(dir + "/b.csv", "text", "label"), InvalidInput);
  const auto t = LoadTexts(dir + "/b.csv", "sentence", "label");
  ASSERT_EQ(t.texts.size(), 1u);
  EXPECT_EQ(t.labels[0], "positive");
}

TEST(NlpTokenizer, RoundTripSaveLoadAndReservedIds) {
  const auto corpus = testing::MakeRuleCorpus(400, 1).texts;
  TokenizerSettings settings;
  settings.vocab_size = 120;
  settings.normalization = "identity";
  const Tokenizer tok = Tokenizer::Train(corpus, settings);
  EXPECT_GT(tok.VocabSize(), Tokenizer::kReserved);
  EXPECT_LE(tok.VocabSize(), 120);
  for (const auto& text : {corpus[0], corpus[7], std::string("unseen words in a new quip")}) {
    const auto ids = tok.Encode(text);
    for (const int id : ids) EXPECT_TRUE(id == Tokenizer::kUnk || id >= Tokenizer::kReserved);
    EXPECT_EQ(tok.Decode(ids), text);
  }
  const std::string dir = finml::testing::TempDir("nlp_tok");
  tok.Save(dir + "/t.model");
  const Tokenizer back = Tokenizer::Load(dir + "/t.model");
  EXPECT_EQ(back.Encode(corpus[3]), tok.Encode(corpus[3]));
  // The same corpus and settings give the same model, byte for byte.
  EXPECT_EQ(Tokenizer::Train(corpus, settings).Serialized(), tok.Serialized());
  WriteFileAtomic(dir + "/bad.model", "not a model");
  EXPECT_THROW((void)Tokenizer::Load(dir + "/bad.model"), InvalidInput);
  // Case folding and NFKC: the full-width letters and the capitals read as the plain ones.
  settings.normalization = "nmt_nfkc_cf";
  const Tokenizer folded = Tokenizer::Train(corpus, settings);
  EXPECT_EQ(folded.Encode("THE \xEF\xBC\xA3ompany"), folded.Encode("the company"));
}

TEST(NlpTfidf, MatchesScikitLearn) {
  const std::string path = finml::testing::RepoPath("tests/nlp/sklearn_tfidf_logistic.json");
  const auto j = JsonReader::Parse(ReadFile(path), path);
  const auto texts = j["texts"].get<std::vector<std::string>>();
  const auto labels = j["labels"].get<std::vector<int>>();
  const auto queries = j["queries"].get<std::vector<std::string>>();
  TfidfSettings s;
  s.min_df = 1;
  s.ngram_max = 2;
  s.sublinear_tf = true;
  const auto v = TfidfVectorizer::Fit(texts, s);
  ASSERT_EQ(v.Vocabulary(), j["vocabulary"].get<std::vector<std::string>>());
  const auto q = v.Transform(queries);
  for (std::size_t r = 0; r < queries.size(); ++r) {
    std::map<int, double> want, got;
    const auto& row = j["query_rows"][r];
    for (std::size_t e = 0; e < row["columns"].size(); ++e)
      want[row["columns"][e].get<int>()] = row["values"][e].get<double>();
    for (std::size_t e = q.offsets[r]; e < q.offsets[r + 1]; ++e) got[q.columns[e]] = q.values[e];
    ASSERT_EQ(want.size(), got.size()) << queries[r];
    for (const auto& [c, value] : want) EXPECT_NEAR(got[c], value, 1e-12) << queries[r];
  }
  const auto model = FitSoftmax(v.Transform(texts), labels, 3, 10.0);
  EXPECT_TRUE(model.converged);
  std::vector<double> p(3);
  for (std::size_t r = 0; r < queries.size(); ++r) {
    model.Probabilities(q, r, p.data());
    for (std::size_t c = 0; c < 3; ++c)
      EXPECT_NEAR(p[c], j["probabilities"][r][c].get<double>(), 1e-5) << queries[r];
  }
}

TEST(NlpMetrics, CountsAndIntervals) {
  // truth 0,0,1,1,2,2 ; predicted 0,1,1,1,2,0
  const auto m = Classify({0, 0, 1, 1, 2, 2}, {0, 1, 1, 1, 2, 0}, 3, 500, 7);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6);
  EXPECT_EQ(m.confusion[0][1], 1u);
  EXPECT_EQ(m.confusion[2][0], 1u);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.per_class[1].recall, 1.0);
  EXPECT_DOUBLE_EQ(m.per_class[1].f1, 0.8);
  EXPECT_DOUBLE_EQ(m.macro_f1, (0.5 + 0.8 + 2.0 / 3) / 3);
  EXPECT_LE(m.accuracy_ci.low, m.accuracy);
  EXPECT_GE(m.accuracy_ci.high, m.accuracy);
  EXPECT_LT(m.accuracy_ci.low, m.accuracy_ci.high);
  // A class never predicted has precision 0, not NaN.
  const auto none = Classify({0, 1}, {0, 0}, 2);
  EXPECT_EQ(none.per_class[1].precision, 0);
}

TEST(NlpWordVectors, NeighboursSaveLoadAndDeterminism) {
  // Words that share contexts end up near each other.
  std::vector<std::string> corpus;
  for (int i = 0; i < 400; ++i) {
    corpus.push_back(i % 2 ? "profit rose strongly this quarter"
                           : "profit grew strongly this quarter");
    corpus.push_back(i % 2 ? "the board met in helsinki today" : "the board met in espoo today");
  }
  WordVectorSettings s;
  s.dim = 16;
  s.epochs = 5;
  const auto v = WordVectors::Train(corpus, s);
  const auto near = v.Nearest("rose", 3);
  ASSERT_FALSE(near.empty());
  EXPECT_EQ(near[0].first, "grew");
  const std::string dir = finml::testing::TempDir("nlp_vec");
  v.Save(dir + "/v.bin");
  const auto back = WordVectors::Load(dir + "/v.bin");
  EXPECT_EQ(back.Word("profit"), v.Word("profit"));
  EXPECT_EQ(WordVectors::Train(corpus, s).Word("board"), v.Word("board"));
  // A word never seen still has a vector, from its character n-grams.
  const auto unseen = v.Word("profits");
  EXPECT_GT(std::abs(unseen[0]) + std::abs(unseen[1]), 0.0F);
  WriteFileAtomic(dir + "/bad.bin", "garbage");
  EXPECT_THROW((void)WordVectors::Load(dir + "/bad.bin"), InvalidInput);
}

}  // namespace
}  // namespace finml::nlp
