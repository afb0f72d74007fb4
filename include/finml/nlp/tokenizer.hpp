// The subword tokenizer of finml's neural text models: SentencePiece (unigram or BPE), trained on
// the model's own training texts with SentencePiece's Unicode normaliser, saved with the model as
// SentencePiece's own model file. SentencePiece runs in the text module (nlp/sentencepiece_api.hpp
// says why), loaded on first use. Ids 0-4 are reserved: [PAD], <unk>, [CLS], [SEP], [MASK].
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "finml/nlp/settings.hpp"

namespace finml::nlp {

class Tokenizer {
 public:
  static constexpr int kPad = 0, kUnk = 1, kCls = 2, kSep = 3, kMask = 4, kReserved = 5;

  // Trains on `texts` (one sentence each), reproducibly: one thread, no sampling.
  [[nodiscard]] static Tokenizer Train(const std::vector<std::string>& texts,
                                       const TokenizerSettings& settings);
  // A saved model; a file that is not one is an InvalidInput naming it.
  [[nodiscard]] static Tokenizer Load(const std::string& path);
  void Save(const std::string& path) const;  // aside, then renamed

  // Token ids of the normalised text (no [CLS]/[SEP]).
  [[nodiscard]] std::vector<int> Encode(std::string_view text) const;
  [[nodiscard]] std::vector<std::string> Pieces(std::string_view text) const;
  [[nodiscard]] std::string Decode(const std::vector<int>& ids) const;
  [[nodiscard]] int VocabSize() const;
  [[nodiscard]] const std::string& Serialized() const { return bytes_; }

 private:
  Tokenizer(std::shared_ptr<const void> sp, std::string bytes);
  // A SentencePiece processor in the text module (libfinml_text.so): const after loading, so
  // thread-safe.
  std::shared_ptr<const void> sp_;
  std::string bytes_;
  int pieces_ = 0;
};

}  // namespace finml::nlp
