// The text networks: a BERT-style encoder (token and position embeddings, pre-norm blocks,
// [CLS] or mean pooling) with its masked-language-model head, a BiLSTM classifier, and the MLP of
// embedding_mlp. A private header of the torch module.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/json_reader.hpp"
#include "finml/nlp/settings.hpp"
#include "train/deep/eigen_linear.hpp"

namespace finml::nlp::deep {

struct EncoderShape {
  std::int64_t vocab = 0, max_length = 128, d_model = 96, layers = 2, heads = 4, ff = 192;
  double dropout = 0.1;
  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] static EncoderShape FromJson(const JsonReader& j);
};

// x + attention(LN(x)); x + feed-forward(LN(x)) (pre-norm: stable without warm-up).
struct BlockImpl : torch::nn::Module {
  BlockImpl(const EncoderShape& s);
  // `pad`: [batch, length] true where a token is padding (never attended to).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& pad);
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  // The faster of Eigen's products and the system BLAS's (eigen_linear.hpp).
  train::deep::FastLinear qkv{nullptr}, out{nullptr}, ff1{nullptr}, ff2{nullptr};
  torch::nn::Dropout drop{nullptr};
  std::int64_t heads = 1;
};
TORCH_MODULE(Block);

struct EncoderImpl : torch::nn::Module {
  explicit EncoderImpl(const EncoderShape& s);
  // ids [batch, length] (0 = padding) -> hidden states [batch, length, d_model]
  torch::Tensor forward(const torch::Tensor& ids);
  EncoderShape shape;
  torch::nn::Embedding tokens{nullptr}, positions{nullptr};
  torch::nn::ModuleList blocks;
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(Encoder);

// BERT's MLM head: dense, GELU, layer norm, then the token embeddings transposed (tied).
struct MlmHeadImpl : torch::nn::Module {
  explicit MlmHeadImpl(const EncoderShape& s);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& token_embeddings);
  train::deep::FastLinear dense{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  torch::Tensor bias;
};
TORCH_MODULE(MlmHead);

struct MaskedLmImpl : torch::nn::Module {
  explicit MaskedLmImpl(const EncoderShape& s);
  // Logits [masked tokens, vocab] for the positions where `where` [batch, length] is true.
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& where);
  Encoder encoder{nullptr};
  MlmHead head{nullptr};
};
TORCH_MODULE(MaskedLm);

// Sequence classifiers: ids [batch, length] (0 = padding) -> class logits. `ngrams` [batch, n]
// (0 = padding): the texts' hashed word n-grams, for a transformer built with n-gram buckets
// (undefined otherwise).
struct SequenceClassifierImpl : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& ngrams) = 0;
};

struct TransformerClassifierImpl : SequenceClassifierImpl {
  // `ngram_buckets` > 0: the mean embedding of the text's hashed word n-grams (fastText's bag of
  // n-grams) is added to the pooled vector, so that phrases seen in a few sentences count without
  // the encoder having to learn them from subword pieces.
  TransformerClassifierImpl(const EncoderShape& s, std::int64_t classes, PoolingKind pooling,
                            std::int64_t ngram_buckets);
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& ngrams) override;
  PoolingKind pooling;
  Encoder encoder{nullptr};
  torch::nn::Embedding ngram_embeddings{nullptr};
  torch::nn::Dropout drop{nullptr};
  train::deep::FastLinear head{nullptr};
};

struct BiLstmClassifierImpl : SequenceClassifierImpl {
  BiLstmClassifierImpl(const EncoderShape& s, std::int64_t classes);
  // The last layer's final forward and backward states of each text's own length.
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& ngrams) override;
  torch::nn::Embedding tokens{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear head{nullptr};
};

struct MlpImpl : torch::nn::Module {
  MlpImpl(std::int64_t inputs, std::int64_t hidden, std::int64_t classes, double dropout);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace finml::nlp::deep
