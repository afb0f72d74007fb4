#include "nlp/deep/networks.hpp"

#include <cmath>

#include "finml/core/error.hpp"

namespace finml::nlp::deep {

nlohmann::json EncoderShape::ToJson() const {
  return {{"vocab", vocab},    {"max_length", max_length}, {"d_model", d_model},
          {"layers", layers},  {"heads", heads},           {"ff", ff},
          {"dropout", dropout}};
}

EncoderShape EncoderShape::FromJson(const JsonReader& j) {
  EncoderShape s;
  s.vocab = j["vocab"].Integer(6, 10'000'000);
  s.max_length = j["max_length"].Integer(4, 4096);
  s.d_model = j["d_model"].Integer(4, 4096);
  s.layers = j["layers"].Integer(1, 48);
  s.heads = j["heads"].Integer(1, 64);
  s.ff = j["ff"].Integer(1, 65536);
  s.dropout = j["dropout"].Number(0, 0.99);
  if (s.d_model % s.heads != 0) j["heads"].Fail("must divide d_model");
  return s;
}

BlockImpl::BlockImpl(const EncoderShape& s) : heads(s.heads) {
  norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.d_model})));
  norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.d_model})));
  qkv = register_module("qkv", train::deep::FastLinear(s.d_model, 3 * s.d_model));
  out = register_module("out", train::deep::FastLinear(s.d_model, s.d_model));
  ff1 = register_module("ff1", train::deep::FastLinear(s.d_model, s.ff));
  ff2 = register_module("ff2", train::deep::FastLinear(s.ff, s.d_model));
  drop = register_module("drop", torch::nn::Dropout(s.dropout));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& pad) {
  const auto b = x.size(0), t = x.size(1), d = x.size(2), dh = d / heads;
  auto parts = qkv(norm1(x)).view({b, t, 3, heads, dh}).permute({2, 0, 3, 1, 4});
  const auto q = parts[0], k = parts[1], v = parts[2];  // [b, h, t, dh]
  // Heads as one batch of products (eigen_linear.hpp chooses the kernel).
  const auto bh = b * heads;
  auto scores =
      train::deep::BestBatchedMatmul(q.reshape({bh, t, dh}), k.reshape({bh, t, dh}).transpose(1, 2))
          .view({b, heads, t, t}) /
      std::sqrt(static_cast<double>(dh));
  scores = scores.masked_fill(pad.view({b, 1, 1, t}), -1e9);
  const auto attention = drop(torch::softmax(scores, -1));
  const auto mixed =
      train::deep::BestBatchedMatmul(attention.reshape({bh, t, t}), v.reshape({bh, t, dh}))
          .view({b, heads, t, dh})
          .transpose(1, 2)
          .reshape({b, t, d});
  auto y = x + drop(out(mixed));
  return y + drop(ff2(drop(torch::gelu(ff1(norm2(y))))));
}

EncoderImpl::EncoderImpl(const EncoderShape& s) : shape(s) {
  FINML_REQUIRE(s.d_model % s.heads == 0, "--heads {} must divide --d-model {}", s.heads,
                s.d_model);
  tokens = register_module("tokens", torch::nn::Embedding(s.vocab, s.d_model));
  positions = register_module("positions", torch::nn::Embedding(s.max_length, s.d_model));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (std::int64_t l = 0; l < s.layers; ++l) blocks->push_back(Block(s));
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.d_model})));
  drop = register_module("drop", torch::nn::Dropout(s.dropout));
  // BERT's initialisation: N(0, 0.02) for embeddings and projections, zero biases.
  for (auto& p : named_parameters()) {
    if (p.key().find("norm") != std::string::npos) continue;
    torch::NoGradGuard no_grad;
    if (p.value().dim() >= 2)
      p.value().normal_(0, 0.02);
    else
      p.value().zero_();
  }
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& ids) {
  const auto pad = ids.eq(0);
  const auto where = torch::arange(ids.size(1), ids.options()).unsqueeze(0);
  auto x = drop(tokens(ids) + positions(where));
  for (auto& block : *blocks) x = block->as<BlockImpl>()->forward(x, pad);
  return norm(x);
}

MlmHeadImpl::MlmHeadImpl(const EncoderShape& s) {
  dense = register_module("dense", train::deep::FastLinear(s.d_model, s.d_model));
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.d_model})));
  bias = register_parameter("bias", torch::zeros({s.vocab}));
}

torch::Tensor MlmHeadImpl::forward(const torch::Tensor& hidden,
                                   const torch::Tensor& token_embeddings) {
  return train::deep::BestLinear(norm(torch::gelu(dense(hidden))), token_embeddings, bias);
}

MaskedLmImpl::MaskedLmImpl(const EncoderShape& s) {
  encoder = register_module("encoder", Encoder(s));
  head = register_module("head", MlmHead(s));
}

torch::Tensor MaskedLmImpl::forward(const torch::Tensor& ids, const torch::Tensor& where) {
  // Only the masked positions go through the vocabulary-wide head: it would otherwise cost more
  // than the encoder itself.
  const auto hidden = encoder(ids);
  const auto picked = hidden.masked_select(where.unsqueeze(-1)).view({-1, hidden.size(-1)});
  return head(picked, encoder->tokens->weight);
}

TransformerClassifierImpl::TransformerClassifierImpl(const EncoderShape& s, std::int64_t classes,
                                                     PoolingKind pooling_kind,
                                                     std::int64_t ngram_buckets)
    : pooling(pooling_kind) {
  encoder = register_module("encoder", Encoder(s));
  if (ngram_buckets > 0) {
    // Bucket 0 is padding; BERT's N(0, 0.02) like the token embeddings.
    ngram_embeddings = register_module(
        "ngram_embeddings",
        torch::nn::Embedding(
            torch::nn::EmbeddingOptions(ngram_buckets + 1, s.d_model).padding_idx(0)));
    torch::NoGradGuard no_grad;
    ngram_embeddings->weight.normal_(0, 0.02);
    ngram_embeddings->weight[0].zero_();
  }
  drop = register_module("drop", torch::nn::Dropout(s.dropout));
  head = register_module("head", train::deep::FastLinear(s.d_model, classes));
}

torch::Tensor TransformerClassifierImpl::forward(const torch::Tensor& ids,
                                                 const torch::Tensor& ngrams) {
  const auto hidden = encoder(ids);
  auto pooled = hidden.select(1, 0);
  if (pooling == PoolingKind::kMean) {
    const auto real = ids.ne(0).unsqueeze(-1).to(hidden.scalar_type());  // [CLS] counts
    pooled = (hidden * real).sum(1) / real.sum(1).clamp_min(1);
  }
  if (ngram_embeddings) {
    FINML_REQUIRE(ngrams.defined() && ngrams.size(0) == ids.size(0),
                  "the transformer has n-gram buckets and was given no n-grams");
    const auto present = ngrams.ne(0).unsqueeze(-1).to(hidden.scalar_type());
    pooled = pooled + ngram_embeddings(ngrams).sum(1) / present.sum(1).clamp_min(1);
  }
  return head(drop(pooled));
}

BiLstmClassifierImpl::BiLstmClassifierImpl(const EncoderShape& s, std::int64_t classes) {
  tokens = register_module(
      "tokens",
      torch::nn::Embedding(torch::nn::EmbeddingOptions(s.vocab, s.d_model).padding_idx(0)));
  lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(s.d_model, s.d_model)
                                                     .num_layers(s.layers)
                                                     .bidirectional(true)
                                                     .batch_first(true)
                                                     .dropout(s.layers > 1 ? s.dropout : 0.0)));
  drop = register_module("drop", torch::nn::Dropout(s.dropout));
  head = register_module("head", torch::nn::Linear(2 * s.d_model, classes));
}

torch::Tensor BiLstmClassifierImpl::forward(const torch::Tensor& ids,
                                            const torch::Tensor& /*ngrams*/) {
  const auto lengths = ids.ne(0).sum(1).clamp_min(1).to(torch::kCPU);
  const auto packed = torch::nn::utils::rnn::pack_padded_sequence(drop(tokens(ids)), lengths,
                                                                  /*batch_first=*/true,
                                                                  /*enforce_sorted=*/false);
  const auto result = lstm->forward_with_packed_input(packed);
  const auto& h = std::get<0>(std::get<1>(result));  // [layers * 2, batch, units]
  const auto n = h.size(0);
  return head(drop(torch::cat({h[n - 2], h[n - 1]}, 1)));
}

MlpImpl::MlpImpl(std::int64_t inputs, std::int64_t hidden, std::int64_t classes, double dropout) {
  net = register_module("net", torch::nn::Sequential(torch::nn::Linear(inputs, hidden),
                                                     torch::nn::ReLU(), torch::nn::Dropout(dropout),
                                                     torch::nn::Linear(hidden, classes)));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) { return net->forward(x); }

}  // namespace finml::nlp::deep
