// A synthetic labelled corpus whose rule is known: a sentence is positive when it holds one of
// the "up" words, negative with a "down" word, neutral otherwise, among random filler words. Each
// up or down word is followed by an adverb of its own kind, as in real text: without that, up and
// down words would share every context and distributional word vectors could not tell them apart.
#pragma once

#include <random>
#include <string>
#include <vector>

namespace finml::nlp::testing {

struct RuleCorpus {
  std::vector<std::string> texts;
  std::vector<int> labels;  // 0 negative, 1 neutral, 2 positive (sorted class names)
};

inline RuleCorpus MakeRuleCorpus(std::size_t n, std::uint64_t seed) {
  static const std::vector<std::string> filler = {
      "the",    "company", "said",  "its", "quarter",   "results", "board",
      "shares", "market",  "group", "net", "sales",     "period",  "year",
      "in",     "of",      "and",   "for", "operating", "unit"};
  static const std::vector<std::string> up = {"rose", "grew", "increased", "improved"};
  static const std::vector<std::string> down = {"fell", "dropped", "declined", "weakened"};
  static const std::vector<std::string> up_adverbs = {"strongly", "firmly"};
  static const std::vector<std::string> down_adverbs = {"sharply", "badly"};
  std::mt19937_64 rng(seed);
  RuleCorpus c;
  for (std::size_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng() % 3);
    std::vector<std::string> words;
    const std::size_t len = 5 + rng() % 8;
    for (std::size_t k = 0; k < len; ++k) words.push_back(filler[rng() % filler.size()]);
    if (label != 1) {
      const auto& pool = label == 2 ? up : down;
      const auto& adverbs = label == 2 ? up_adverbs : down_adverbs;
      const auto at = words.begin() + static_cast<std::ptrdiff_t>(rng() % (words.size() + 1));
      words.insert(words.insert(at, pool[rng() % pool.size()]) + 1,
                   adverbs[rng() % adverbs.size()]);
    }
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    c.texts.push_back(text);
    c.labels.push_back(label);
  }
  return c;
}

// Sentences from a few templates: most words follow from their neighbours, which a masked
// language model can learn.
inline std::vector<std::string> MakeTemplateCorpus(std::size_t n, std::uint64_t seed) {
  static const std::vector<std::string> companies = {"nokia", "kone", "fortum", "stora",
                                                     "wartsila"};
  static const std::vector<std::string> templates = {
      "{} said its net sales rose in the first quarter of the year",
      "{} said its operating profit fell in the second quarter of the year",
      "the board of {} will propose a dividend to the annual general meeting",
      "shares in {} closed higher on the helsinki stock exchange"};
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string t = templates[rng() % templates.size()];
    t.replace(t.find("{}"), 2, companies[rng() % companies.size()]);
    out.push_back(t);
  }
  return out;
}

}  // namespace finml::nlp::testing
