// Word embeddings: fastText skip-gram vectors with character n-grams (Debian libfasttext), so a
// word never seen in training still gets a vector from its pieces, with nearest-neighbour
// queries. fastText is kept rather than re-written: it is the reference implementation, and one
// training thread makes it reproducible.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "finml/core/options.hpp"

namespace fasttext {
class FastText;
}

namespace finml::nlp {

struct WordVectorSettings {
  int dim = 100;
  int epochs = 20;
  int min_count = 1;
  int window = 5;
  int buckets = 20000;  // hashed character n-grams; 2e6 (fastText's default) is 800 MB at dim 100
  std::uint64_t seed = 42;
  static const options::Schema<WordVectorSettings>& Schema();
};

class WordVectors {
 public:
  [[nodiscard]] static WordVectors Train(const std::vector<std::string>& texts,
                                         const WordVectorSettings& settings);
  [[nodiscard]] static WordVectors Load(const std::string& path);
  void Save(const std::string& path) const;  // aside, then renamed

  [[nodiscard]] int Dimension() const;
  [[nodiscard]] std::vector<float> Word(std::string_view word) const;
  // The mean of the text's unit-length word vectors (fastText's sentence vector); zeros when the
  // text has no word.
  [[nodiscard]] std::vector<float> Average(std::string_view text) const;
  // The `k` vocabulary words closest to `word` by cosine similarity.
  [[nodiscard]] std::vector<std::pair<std::string, double>> Nearest(const std::string& word,
                                                                    int k) const;
  [[nodiscard]] std::size_t VocabularySize() const;

 private:
  WordVectors();
  std::shared_ptr<fasttext::FastText> model_;
  std::shared_ptr<std::mutex> mutex_;  // fastText's neighbour search caches vectors lazily
};

// The words fastText sees: lowercased ASCII, split at blanks.
[[nodiscard]] std::vector<std::string> WordTokens(std::string_view text);

}  // namespace finml::nlp
