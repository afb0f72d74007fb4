#include "finml/nlp/tokenizer.hpp"

#include <fmt/format.h>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/modules.hpp"
#include "finml/core/names.hpp"
#include "nlp/sentencepiece_api.hpp"

namespace finml::nlp {
namespace {

std::shared_ptr<const void> FromBytes(const std::string& bytes, const std::string& label) {
  std::string error;
  void* raw = FINML_MODULE_FUNCTION(Module::kText, finml_spm_load)(bytes, error);
  if (!raw) throw InvalidInput(fmt::format("{}: not a SentencePiece model ({})", label, error));
  std::shared_ptr<const void> sp(raw, FINML_MODULE_FUNCTION(Module::kText, finml_spm_free));
  const auto info = [&](const std::string& what) {
    return FINML_MODULE_FUNCTION(Module::kText, finml_spm_info)(sp.get(), what);
  };
  FINML_REQUIRE(info("pieces") > Tokenizer::kReserved && info("id:[MASK]") == Tokenizer::kMask &&
                    info("pad") == Tokenizer::kPad && info("bos") == Tokenizer::kCls,
                "{}: a SentencePiece model without finml's reserved ids ([PAD] 0, <unk> 1, [CLS] "
                "2, [SEP] 3, [MASK] 4); train it with finml",
                label);
  return sp;
}

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const void> sp, std::string bytes)
    : sp_(std::move(sp)), bytes_(std::move(bytes)) {
  pieces_ = FINML_MODULE_FUNCTION(Module::kText, finml_spm_info)(sp_.get(), "pieces");
}

Tokenizer Tokenizer::Train(const std::vector<std::string>& texts,
                           const TokenizerSettings& settings) {
  FINML_REQUIRE(!texts.empty(), "the tokenizer needs texts to train on");
  // One thread and no sampling of the input: the same texts give the same model.
  const std::string args = fmt::format(
      "--model_type={} --vocab_size={} --hard_vocab_limit=false --normalization_rule_name={} "
      "--pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3 --pad_piece=[PAD] --bos_piece=[CLS] "
      "--eos_piece=[SEP] --user_defined_symbols=[MASK] --num_threads=1 "
      "--input_sentence_size=0 --shuffle_input_sentence=false --character_coverage=1.0 "
      "--max_sentence_length=65536 --minloglevel=3",
      EnumName(settings.subword), settings.vocab_size, settings.normalization);
  std::string bytes, error;
  if (!FINML_MODULE_FUNCTION(Module::kText, finml_spm_train)(texts, args, bytes, error))
    throw InvalidInput(
        fmt::format("training the SentencePiece tokenizer failed: {} (fix: a larger corpus or a "
                    "smaller --vocab-size)",
                    error));
  auto sp = FromBytes(bytes, "the trained tokenizer");
  return Tokenizer(std::move(sp), std::move(bytes));
}

Tokenizer Tokenizer::Load(const std::string& path) {
  std::string bytes = ReadFile(path);
  auto sp = FromBytes(bytes, path);
  return Tokenizer(std::move(sp), std::move(bytes));
}

void Tokenizer::Save(const std::string& path) const { WriteFileAtomic(path, bytes_); }

std::vector<int> Tokenizer::Encode(std::string_view text) const {
  std::vector<int> ids;
  std::string error;
  if (!FINML_MODULE_FUNCTION(Module::kText, finml_spm_encode)(sp_.get(), text, &ids, nullptr,
                                                              error))
    throw InvalidInput(fmt::format("tokenizing failed: {}", error));
  return ids;
}

std::vector<std::string> Tokenizer::Pieces(std::string_view text) const {
  std::vector<std::string> pieces;
  std::string error;
  if (!FINML_MODULE_FUNCTION(Module::kText, finml_spm_encode)(sp_.get(), text, nullptr, &pieces,
                                                              error))
    throw InvalidInput(fmt::format("tokenizing failed: {}", error));
  return pieces;
}

std::string Tokenizer::Decode(const std::vector<int>& ids) const {
  std::string text, error;
  if (!FINML_MODULE_FUNCTION(Module::kText, finml_spm_decode)(sp_.get(), ids, text, error))
    throw InvalidInput(fmt::format("decoding failed: {}", error));
  return text;
}

int Tokenizer::VocabSize() const { return pieces_; }

}  // namespace finml::nlp
