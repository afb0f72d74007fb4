// A synthetic labelled corpus whose rule is known: a sentence is positive when it holds one of
// the "up" words, negative with a "down" word, neutral otherwise, among random filler words.
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
  std::mt19937_64 rng(seed);
  RuleCorpus c;
  for (std::size_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng() % 3);
    std::vector<std::string> words;
    const std::size_t len = 5 + rng() % 8;
    for (std::size_t k = 0; k < len; ++k) words.push_back(filler[rng() % filler.size()]);
    if (label != 1) {
      const auto& pool = label == 2 ? up : down;
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(rng() % (words.size() + 1)),
                   pool[rng() % pool.size()]);
    }
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    c.texts.push_back(text);
    c.labels.push_back(label);
  }
  return c;
}

}  // namespace finml::nlp::testing
