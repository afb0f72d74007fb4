#include "networks.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "finml/core/error.hpp"
#include "fused_gru.hpp"
#include "fused_lstm.hpp"
#include "weight_transposes.hpp"

namespace finml::models::deep {
namespace {

namespace nn = torch::nn;

class MlpNetImpl final : public SequenceNetImpl {
 public:
  explicit MlpNetImpl(const SequenceNetOptions& s) {
    std::int64_t in = s.features * s.window;
    for (std::int64_t i = 0; i < s.layers; ++i) {
      body_->push_back(nn::Linear(in, s.hidden));
      body_->push_back(nn::ReLU());
      if (s.dropout > 0) body_->push_back(nn::Dropout(s.dropout));
      in = s.hidden;
    }
    body_->push_back(nn::Linear(in, 1));
    register_module("body", body_);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    return body_->forward(x.flatten(1)).squeeze(-1);
  }

 private:
  nn::Sequential body_;
};
TORCH_MODULE(MlpNet);

// LSTM or GRU layers, then a dense head on the last step's output.
template <typename Rnn, typename Options>
class RecurrentNetImpl final : public SequenceNetImpl {
 public:
  explicit RecurrentNetImpl(const SequenceNetOptions& s)
      : rnn_(Options(s.features, s.hidden)
                 .num_layers(s.layers)
                 .batch_first(true)
                 .dropout(s.layers > 1 ? s.dropout : 0.0)),
        head_(s.hidden, 1) {
    register_module("rnn", rnn_);
    register_module("head", head_);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    torch::Tensor out = std::get<0>(rnn_->forward(x));
    return head_->forward(out.select(1, out.size(1) - 1)).squeeze(-1);
  }

 private:
  Rnn rnn_;
  nn::Linear head_;
};
using LstmNetImpl = RecurrentNetImpl<nn::LSTM, nn::LSTMOptions>;
using GruNetImpl = RecurrentNetImpl<nn::GRU, nn::GRUOptions>;
TORCH_MODULE(LstmNet);
TORCH_MODULE(GruNet);

// Stacked LSTM layers on the fused kernel, initialised like torch::nn::LSTM (uniform in
// +-1/sqrt(hidden)); one bias per layer stands for torch's b_ih + b_hh.
class FusedLstmNetImpl final : public SequenceNetImpl {
 public:
  explicit FusedLstmNetImpl(const SequenceNetOptions& s) : dropout_(s.dropout), head_(s.hidden, 1) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(s.hidden));
    std::int64_t in = s.features;
    for (std::int64_t l = 0; l < s.layers; ++l) {
      const std::string n = std::to_string(l);
      w_ih_.push_back(register_parameter("w_ih_" + n,
                                         torch::empty({4 * s.hidden, in}).uniform_(-bound, bound)));
      w_hh_.push_back(register_parameter(
          "w_hh_" + n, torch::empty({4 * s.hidden, s.hidden}).uniform_(-bound, bound)));
      bias_.push_back(
          register_parameter("bias_" + n, torch::empty({4 * s.hidden}).uniform_(-bound, bound)));
      in = s.hidden;
    }
    register_module("head", head_);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    torch::Tensor h = x;
    for (std::size_t l = 0; l < w_ih_.size(); ++l) {
      if (l > 0) h = torch::dropout(h, dropout_, is_training());
      h = FusedLstm(h, w_ih_[l], w_hh_[l], bias_[l], transposes_.get());
    }
    return head_->forward(h.select(1, h.size(1) - 1)).squeeze(-1);
  }

 private:
  double dropout_;
  std::vector<torch::Tensor> w_ih_, w_hh_, bias_;
  nn::Linear head_;
  std::shared_ptr<WeightTransposes> transposes_ = std::make_shared<WeightTransposes>();
};
TORCH_MODULE(FusedLstmNet);

// GRU layers on the fused kernel. The parameters are torch::nn::GRU's own (the same names,
// shapes and initialisation), so a GRU saved by either implementation loads into the other.
class FusedGruNetImpl final : public SequenceNetImpl {
 public:
  explicit FusedGruNetImpl(const SequenceNetOptions& s)
      : rnn_(nn::GRUOptions(s.features, s.hidden).num_layers(s.layers).batch_first(true)),
        head_(s.hidden, 1),
        layers_(s.layers),
        dropout_(s.layers > 1 ? s.dropout : 0.0) {
    register_module("rnn", rnn_);
    register_module("head", head_);
    // Looked up once: loading weights replaces their data, not these handles.
    const auto weights = rnn_->named_parameters(/*recurse=*/false);
    for (std::int64_t l = 0; l < layers_; ++l) {
      const std::string n = std::to_string(l);
      layer_weights_.push_back({weights["weight_ih_l" + n], weights["weight_hh_l" + n],
                                weights["bias_ih_l" + n], weights["bias_hh_l" + n]});
    }
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    torch::Tensor h = x;
    for (std::int64_t l = 0; l < layers_; ++l) {
      // torch::nn::GRU's dropout: on every layer's output but the last.
      if (l > 0) h = torch::dropout(h, dropout_, is_training());
      const auto& w = layer_weights_[static_cast<std::size_t>(l)];
      h = FusedGru(h, w[0], w[1], w[2], w[3], transposes_.get());
    }
    return head_->forward(h.select(1, h.size(1) - 1)).squeeze(-1);
  }

 private:
  nn::GRU rnn_;
  nn::Linear head_;
  std::int64_t layers_;
  double dropout_;
  std::vector<std::array<torch::Tensor, 4>> layer_weights_;  // w_ih, w_hh, b_ih, b_hh per layer
  std::shared_ptr<WeightTransposes> transposes_ = std::make_shared<WeightTransposes>();
};
TORCH_MODULE(FusedGruNet);

// Dilated causal convolutions with residual connections: step t sees steps <= t only.
class TcnNetImpl final : public SequenceNetImpl {
 public:
  explicit TcnNetImpl(const SequenceNetOptions& s) : kernel_(s.kernel), dropout_(s.dropout) {
    std::int64_t in = s.features;
    for (std::int64_t i = 0; i < s.layers; ++i) {
      std::int64_t dilation = std::int64_t{1} << i;
      auto conv1 = nn::Conv1d(nn::Conv1dOptions(in, s.hidden, s.kernel).dilation(dilation));
      auto conv2 = nn::Conv1d(nn::Conv1dOptions(s.hidden, s.hidden, s.kernel).dilation(dilation));
      auto skip = nn::Conv1d(nn::Conv1dOptions(in, s.hidden, 1));
      first_.push_back(register_module("conv1_" + std::to_string(i), conv1));
      second_.push_back(register_module("conv2_" + std::to_string(i), conv2));
      skip_.push_back(register_module("skip_" + std::to_string(i), skip));
      dilations_.push_back(dilation);
      in = s.hidden;
    }
    head_ = register_module("head", nn::Linear(s.hidden, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    torch::Tensor h = x.transpose(1, 2);  // (batch, channels, time)
    for (std::size_t i = 0; i < first_.size(); ++i) {
      std::int64_t pad = (kernel_ - 1) * dilations_[i];
      torch::Tensor y = torch::relu(first_[i]->forward(torch::constant_pad_nd(h, {pad, 0})));
      y = torch::dropout(y, dropout_, is_training());
      y = torch::relu(second_[i]->forward(torch::constant_pad_nd(y, {pad, 0})));
      y = torch::dropout(y, dropout_, is_training());
      h = torch::relu(y + skip_[i]->forward(h));
    }
    return head_->forward(h.select(2, h.size(2) - 1)).squeeze(-1);
  }

 private:
  std::int64_t kernel_;
  double dropout_;
  std::vector<nn::Conv1d> first_, second_, skip_;
  std::vector<std::int64_t> dilations_;
  nn::Linear head_{nullptr};
};
TORCH_MODULE(TcnNet);

// Sinusoidal positions (Vaswani et al. 2017), fixed rather than learned: windows are short.
torch::Tensor PositionalEncoding(std::int64_t steps, std::int64_t dim) {
  torch::Tensor pe = torch::zeros({steps, dim});
  for (std::int64_t pos = 0; pos < steps; ++pos) {
    for (std::int64_t i = 0; i < dim; ++i) {
      double rate = std::pow(10000.0, -static_cast<double>(2 * (i / 2)) / static_cast<double>(dim));
      pe[pos][i] = i % 2 == 0 ? std::sin(pos * rate) : std::cos(pos * rate);
    }
  }
  return pe;
}

// A Transformer over the window. Without `causal` (transformer) every step attends to every
// other and the last step's state predicts. With it (gpt, decoder-only) self-attention runs
// under a causal mask, so the output at step k depends on steps <= k only and every step is a
// next-step prediction: pretraining gets one target per step instead of one per window.
class TransformerNetImpl final : public SequenceNetImpl {
 public:
  TransformerNetImpl(const SequenceNetOptions& s, bool causal)
      : causal_(causal),
        embed_(s.features, s.hidden),
        encoder_(nn::TransformerEncoderOptions(nn::TransformerEncoderLayerOptions(s.hidden, s.heads)
                                                   .dim_feedforward(s.feedforward)
                                                   .dropout(s.dropout),
                                               s.layers)),
        head_(s.hidden, 1) {
    FINML_REQUIRE(s.hidden % s.heads == 0,
                  "transformer: hidden size {} must be divisible by heads {}", s.hidden, s.heads);
    register_module("embed", embed_);
    // The names are those of the saved weights: "decoder" for gpt, "encoder" for transformer.
    register_module(causal_ ? "decoder" : "encoder", encoder_);
    register_module("head", head_);
    positions_ = register_buffer("positions", PositionalEncoding(s.window, s.hidden));
    if (causal_) {
      mask_ = register_buffer(
          "mask",
          torch::triu(torch::full({s.window, s.window}, -std::numeric_limits<float>::infinity()),
                      1));
    }
  }
  [[nodiscard]] bool causal() const override { return causal_; }

  torch::Tensor forward_all(const torch::Tensor& x) override {
    if (!causal_) return forward(x);
    return head_->forward(Encode(x)).squeeze(-1).transpose(0, 1);  // (batch, time)
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    if (causal_) {
      torch::Tensor all = forward_all(x);
      return all.select(1, all.size(1) - 1);
    }
    torch::Tensor h = Encode(x);
    return head_->forward(h[h.size(0) - 1]).squeeze(-1);
  }

 private:
  // (time, batch, hidden): the 1.13 C++ encoder wants time first.
  torch::Tensor Encode(const torch::Tensor& x) {
    const std::int64_t steps = x.size(1);
    torch::Tensor h = embed_->forward(x) + positions_.slice(0, 0, steps).unsqueeze(0);
    if (!causal_) return encoder_->forward(h.transpose(0, 1));
    return encoder_->forward(h.transpose(0, 1), mask_.slice(0, 0, steps).slice(1, 0, steps));
  }

  bool causal_;
  nn::Linear embed_;
  nn::TransformerEncoder encoder_;
  nn::Linear head_;
  torch::Tensor positions_, mask_;
};
TORCH_MODULE(TransformerNet);

}  // namespace

std::shared_ptr<SequenceNetImpl> MakeNet(const SequenceNetOptions& s) {
  FINML_REQUIRE(s.features >= 1 && s.window >= 1 && s.hidden >= 1 && s.layers >= 1,
                "{}: sizes must be positive (features {}, window {}, hidden {}, layers {})",
                s.architecture, s.features, s.window, s.hidden, s.layers);
  if (s.architecture == "mlp") return MlpNet(s).ptr();
  if (s.architecture == "lstm" && s.fused) return FusedLstmNet(s).ptr();
  if (s.architecture == "lstm") return LstmNet(s).ptr();
  if (s.architecture == "gru" && s.fused) return FusedGruNet(s).ptr();
  if (s.architecture == "gru") return GruNet(s).ptr();
  if (s.architecture == "tcn") return TcnNet(s).ptr();
  if (s.architecture == "transformer") return TransformerNet(s, false).ptr();
  if (s.architecture == "gpt") return TransformerNet(s, true).ptr();
  throw InternalError("unknown network " + s.architecture);
}

}  // namespace finml::models::deep
