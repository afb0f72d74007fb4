// The entry points of the text module (libfinml_text.so), SentencePiece behind a plain interface.
//
// Why a module of its own: Debian's libsentencepiece carries its own copy of protobuf-lite and
// exports its 1,600 symbols. Linked into the core, that copy sits in the global symbol scope and
// LibTorch's libprotobuf binds to it at start-up, then crashes in its static initialisers. The
// module is opened with RTLD_LOCAL | RTLD_DEEPBIND (core/modules.cpp): SentencePiece binds to its
// own copy and nothing else sees it. Both sides share one libstdc++, so C++ types cross.
#pragma once

#include <string>
#include <string_view>
#include <vector>

extern "C" {
// Trains a model from `texts` with SentencePiece's command-line `args`; false and `error` on
// failure.
bool finml_spm_train(const std::vector<std::string>& texts, const std::string& args,
                     std::string& model, std::string& error);
// A processor for a serialized model, or null and `error`.
void* finml_spm_load(const std::string& model, std::string& error);
void finml_spm_free(void* processor);
bool finml_spm_encode(const void* processor, std::string_view text, std::vector<int>* ids,
                      std::vector<std::string>* pieces, std::string& error);
bool finml_spm_decode(const void* processor, const std::vector<int>& ids, std::string& text,
                      std::string& error);
// "pieces", "pad", "unk", "bos", "eos", or the id of the piece "id:<piece>".
int finml_spm_info(const void* processor, const std::string& what);
}
