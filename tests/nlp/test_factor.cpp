// The news sentiment factor: news after the close counts for the next session, weekends roll to
// Monday, scores decay by the half-life, and no score depends on later news. The news file is
// constructed here: no real dated financial news is available to the project.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/factor.hpp"
#include "nlp/text_util.hpp"
#include "test_util.hpp"

namespace finml::nlp {
namespace {

std::string SentimentModel() {
  static const std::string dir = [] {
    const auto c = testing::MakeRuleCorpus(600, 5);
    ClassifierSpec spec;
    spec.classes = 3;
    spec.settings.tfidf.min_df = 1;
    auto model = MakeTextClassifier(spec);
    model->Fit(c.texts, c.labels);
    const std::string d = finml::testing::TempDir("nlp_factor_model");
    SaveTextModel(*model, spec, {"negative", "neutral", "positive"}, Provenance{"test"}, d);
    return d;
  }();
  return dir;
}

// date,symbol -> score
std::map<std::pair<std::string, std::string>, double> Read(const std::string& path) {
  const std::string text = ReadFile(path);
  data::CsvReader csv(path, text);
  std::vector<std::string_view> f;
  csv.Next(f);
  std::map<std::pair<std::string, std::string>, double> out;
  while (csv.Next(f)) out[{std::string(f[0]), std::string(f[1])}] = std::stod(std::string(f[2]));
  return out;
}

TEST(NlpFactor, SessionsCloseDecayAndNoLookAhead) {
  const std::string dir = finml::testing::TempDir("nlp_factor");
  // 2024-03-01 is a Friday.
  const std::string news =
      "timestamp,symbol,text\n"
      "2024-02-28 09:30,AAA,the company said net sales rose strongly\n"  // Wed, before the close
      "2024-02-28 17:05,BBB,the company said net sales fell sharply\n"   // Wed after close -> Thu
      "2024-03-02 11:00,AAA,the group said operating results fell badly\n"  // Sat -> Mon 03-04
      "2024-03-04 10:00,BBB,the board said the year improved\n";
  WriteFileAtomic(dir + "/news.csv", news);
  FactorSettings s;
  s.half_life = 1;  // halves each session
  const auto c = BuildSentimentFactor(SentimentModel(), dir + "/news.csv", s, dir + "/signals.csv");
  EXPECT_EQ(c.news, 4u);
  EXPECT_EQ(c.after_close, 1u);
  EXPECT_EQ(c.symbols, 2u);
  const auto scores = Read(dir + "/signals.csv");
  // AAA: positive on Wednesday, halving on Thursday and Friday, then the negative news on Monday.
  const double wed = scores.at({"2024-02-28", "AAA"});
  EXPECT_GT(wed, 0.5);
  EXPECT_NEAR(scores.at({"2024-02-29", "AAA"}), wed / 2, 1e-6);
  EXPECT_NEAR(scores.at({"2024-03-01", "AAA"}), wed / 4, 1e-6);
  EXPECT_LT(scores.at({"2024-03-04", "AAA"}), 0);
  EXPECT_FALSE(scores.count({"2024-03-02", "AAA"}));  // no weekend sessions
  // BBB's after-close news first shows on Thursday.
  EXPECT_FALSE(scores.count({"2024-02-28", "BBB"}));
  EXPECT_LT(scores.at({"2024-02-29", "BBB"}), -0.5);

  // Scrambling the news after Friday's close changes nothing up to Friday.
  WriteFileAtomic(dir + "/news2.csv",
                  news.substr(0, news.find("2024-03-02")) +
                      "2024-03-01 16:00,AAA,the company said net sales dropped\n"
                      "2024-03-04 10:00,BBB,the board said the year declined\n");
  (void)BuildSentimentFactor(SentimentModel(), dir + "/news2.csv", s, dir + "/signals2.csv");
  const auto scrambled = Read(dir + "/signals2.csv");
  for (const auto& [key, value] : scores)
    if (key.first <= "2024-03-01") EXPECT_EQ(scrambled.at(key), value) << key.first << key.second;
}

TEST(NlpFactor, BadNewsFilesAreNamed) {
  const std::string dir = finml::testing::TempDir("nlp_factor_bad");
  WriteFileAtomic(dir + "/n.csv", "timestamp,symbol,text\nyesterday,AAA,sales rose\n");
  try {
    (void)BuildSentimentFactor(SentimentModel(), dir + "/n.csv", {}, dir + "/s.csv");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("n.csv:2:1"), std::string::npos) << e.what();
  }
  FactorSettings s;
  s.positive = "bullish";
  WriteFileAtomic(dir + "/m.csv", "timestamp,symbol,text\n2024-01-02,AAA,sales rose\n");
  EXPECT_THROW((void)BuildSentimentFactor(SentimentModel(), dir + "/m.csv", s, dir + "/s.csv"),
               InvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir + "/s.csv"));
}

}  // namespace
}  // namespace finml::nlp
