#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <mutex>

#include "nlp/sentencepiece_api.hpp"

// Exported by libsentencepiece, missing from its public headers.
namespace sentencepiece::logging {
void SetMinLogLevel(int level);
}

namespace {

// Opened with RTLD_DEEPBIND, SentencePiece sees libstdc++'s own std::cerr, not the executable's
// copy that libstdc++ initialises: one log line would crash. Only fatal errors log, and those
// abort anyway.
const int kQuiet = [] {
  sentencepiece::logging::SetMinLogLevel(3);
  return 0;
}();

class VectorIterator final : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& texts) : texts_(texts) {}
  bool done() const override { return i_ >= texts_.size(); }
  void Next() override { ++i_; }
  const std::string& value() const override { return texts_[i_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& texts_;
  std::size_t i_ = 0;
};

const sentencepiece::SentencePieceProcessor& Processor(const void* p) {
  return *static_cast<const sentencepiece::SentencePieceProcessor*>(p);
}

}  // namespace

extern "C" bool finml_spm_train(const std::vector<std::string>& texts, const std::string& args,
                                std::string& model, std::string& error) {
  // The trainer keeps global flags and logging state: one training at a time.
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  try {
    VectorIterator it(texts);
    const auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &model);
    if (!status.ok()) error = status.ToString();
    return status.ok();
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

extern "C" void* finml_spm_load(const std::string& model, std::string& error) {
  auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
  const auto status = sp->LoadFromSerializedProto(model);
  if (!status.ok()) {
    error = status.ToString();
    return nullptr;
  }
  return sp.release();
}

extern "C" void finml_spm_free(void* p) {
  delete static_cast<sentencepiece::SentencePieceProcessor*>(p);
}

extern "C" bool finml_spm_encode(const void* p, std::string_view text, std::vector<int>* ids,
                                 std::vector<std::string>* pieces, std::string& error) {
  const auto status = ids ? Processor(p).Encode(text, ids) : Processor(p).Encode(text, pieces);
  if (!status.ok()) error = status.ToString();
  return status.ok();
}

extern "C" bool finml_spm_decode(const void* p, const std::vector<int>& ids, std::string& text,
                                 std::string& error) {
  const auto status = Processor(p).Decode(ids, &text);
  if (!status.ok()) error = status.ToString();
  return status.ok();
}

extern "C" int finml_spm_info(const void* p, const std::string& what) {
  const auto& sp = Processor(p);
  if (what == "pieces") return sp.GetPieceSize();
  if (what == "pad") return sp.pad_id();
  if (what == "unk") return sp.unk_id();
  if (what == "bos") return sp.bos_id();
  if (what == "eos") return sp.eos_id();
  if (what.rfind("id:", 0) == 0) return sp.PieceToId(what.substr(3));
  return -1;
}
