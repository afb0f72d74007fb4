// The neural text classifiers (embedding_mlp, bilstm, transformer) and masked-language-model
// pretraining, all trained by the shared loop (train/deep/loop.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/fnv1a.hpp"
#include "finml/core/sha256.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/text.hpp"
#include "finml/nlp/tfidf.hpp"
#include "finml/nlp/tokenizer.hpp"
#include "finml/nlp/word_vectors.hpp"
#include "models/deep/threads.hpp"
#include "nlp/deep/networks.hpp"
#include "train/deep/loop.hpp"
#include "train/deep/weights.hpp"

namespace finml::nlp::deep {
namespace {

constexpr std::int64_t kPredictBatch = 64;
constexpr const char* kEncoderFormat = "finml-nlp-encoder/1";

using Sequences = std::vector<std::vector<std::int64_t>>;

// [CLS] and the text's tokens, cut at max_length; `cut` counts the texts that were longer.
Sequences Encode(const Tokenizer& tokenizer, const std::vector<std::string>& texts,
                 std::int64_t max_length, std::vector<std::uint8_t>* cut) {
  Sequences out;
  out.reserve(texts.size());
  if (cut) cut->assign(texts.size(), 0);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto ids = tokenizer.Encode(texts[i]);
    std::vector<std::int64_t> seq{Tokenizer::kCls};
    for (const int id : ids) {
      if (static_cast<std::int64_t>(seq.size()) >= max_length) {
        if (cut) (*cut)[i] = 1;
        break;
      }
      seq.push_back(id);
    }
    out.push_back(std::move(seq));
  }
  return out;
}

// Each text's word uni- and bigrams (tfidf_logistic's analyser) as hash buckets 1..buckets
// (0 is padding). FNV-1a: the same bucket on every machine, and nothing to fit or save.
Sequences NgramBuckets(const std::vector<std::string>& texts, std::int64_t buckets) {
  Sequences out(texts.size());
  if (buckets <= 0) return out;
  for (std::size_t i = 0; i < texts.size(); ++i)
    for (const auto& term : Terms(texts[i], 2))
      out[i].push_back(static_cast<std::int64_t>(Fnv1a(term.data(), term.size()) %
                                                 static_cast<std::uint64_t>(buckets)) +
                       1);
  return out;
}

torch::Tensor Collate(const Sequences& seqs, const std::int64_t* rows, std::int64_t count) {
  std::size_t longest = 1;
  for (std::int64_t k = 0; k < count; ++k)
    longest = std::max(longest, seqs[static_cast<std::size_t>(rows[k])].size());
  auto ids = torch::zeros({count, static_cast<std::int64_t>(longest)}, torch::kLong);
  auto* p = ids.data_ptr<std::int64_t>();
  for (std::int64_t k = 0; k < count; ++k) {
    const auto& s = seqs[static_cast<std::size_t>(rows[k])];
    std::copy(s.begin(), s.end(), p + k * static_cast<std::int64_t>(longest));
  }
  return ids;
}

template <typename T>
std::vector<T> Pick(const std::vector<T>& all, const std::vector<std::size_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto r : rows) out.push_back(all[r]);
  return out;
}

nlohmann::json History(const train::deep::LoopResult& r) {
  nlohmann::json h = nlohmann::json::array();
  for (const auto& e : r.history)
    h.push_back({{"train", e.train},
                 {"validation", std::isfinite(e.validation) ? nlohmann::json(e.validation)
                                                            : nlohmann::json(nullptr)}});
  nlohmann::json out = {{"history", h}, {"best_epoch", r.best_epoch}};
  if (r.best_validation) out["best_validation"] = *r.best_validation;
  return out;
}

EncoderShape ShapeFrom(const NetworkSettings& n, std::int64_t vocab) {
  return {vocab, n.max_length, n.d_model, n.layers, n.heads, n.ff, n.dropout};
}

void CopyParameters(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  auto target = to.named_parameters();
  for (const auto& p : from.named_parameters()) target[p.key()].copy_(p.value());
}

// BERT's masking: `rate` of the ordinary tokens are predicted; of them 80% become [MASK], 10% a
// random token, 10% stay. Returns the corrupted ids and the labels (-100: not predicted).
std::pair<torch::Tensor, torch::Tensor> Mask(const torch::Tensor& ids, double rate,
                                             std::int64_t vocab, at::Generator* gen) {
  const auto draw = [&](const torch::Tensor& like) {
    return gen ? torch::rand(like.sizes(), *gen, torch::kFloat) : torch::rand(like.sizes());
  };
  const auto ordinary = ids.ge(Tokenizer::kReserved);
  const auto chosen = draw(ids).lt(rate).logical_and(ordinary);
  auto labels = torch::where(chosen, ids, torch::full_like(ids, -100));
  const auto how = draw(ids);
  auto random_ids =
      (draw(ids) * static_cast<double>(vocab - Tokenizer::kReserved)).to(torch::kLong) +
      Tokenizer::kReserved;
  auto corrupted =
      torch::where(chosen.logical_and(how.lt(0.8)), torch::full_like(ids, Tokenizer::kMask), ids);
  corrupted = torch::where(chosen.logical_and(how.ge(0.8)).logical_and(how.lt(0.9)),
                           random_ids.clamp_max(vocab - 1), corrupted);
  return {corrupted, labels};
}

// Masked-language-model training of `model` on `train` with early stopping on `validation`
// (its masks fixed by the seed, so every epoch is judged on the same task).
train::deep::LoopResult TrainMlm(MaskedLm& model, const Sequences& train,
                                 const Sequences& validation, double rate, train::LoopOptions loop,
                                 std::uint64_t seed, std::mt19937_64& rng) {
  const std::int64_t vocab = model->encoder->shape.vocab;
  const auto batch_loss = [&](const torch::Tensor& rows) -> torch::Tensor {
    const auto ids = Collate(train, rows.data_ptr<std::int64_t>(), rows.size(0));
    const auto [input, labels] = Mask(ids, rate, vocab, nullptr);
    const auto masked = labels.ne(-100);
    if (masked.sum().item<std::int64_t>() == 0) return {};
    return torch::nn::functional::cross_entropy(model->forward(input, masked),
                                                labels.masked_select(masked));
  };
  const auto validate = [&]() {
    auto gen = at::detail::createCPUGenerator(seed ^ 0x9E3779B97F4A7C15ULL);
    double total = 0;
    std::int64_t count = 0;
    std::vector<std::int64_t> rows(validation.size());
    std::iota(rows.begin(), rows.end(), 0);
    for (std::size_t s = 0; s < rows.size(); s += kPredictBatch) {
      const auto n =
          static_cast<std::int64_t>(std::min<std::size_t>(kPredictBatch, rows.size() - s));
      const auto ids = Collate(validation, rows.data() + s, n);
      const auto [input, labels] = Mask(ids, rate, vocab, &gen);
      const auto where = labels.ne(-100);
      const auto masked = where.sum().item<std::int64_t>();
      if (masked == 0) continue;
      total += torch::nn::functional::cross_entropy(
                   model->forward(input, where), labels.masked_select(where),
                   torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                   .item<double>();
      count += masked;
    }
    return count ? total / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
  };
  return train::deep::TrainLoop(*model, static_cast<std::int64_t>(train.size()), batch_loss,
                                validation.empty() ? train::deep::ValidationLoss{} : validate, loop,
                                rng);
}

class NeuralTextClassifier final : public TextClassifier {
 public:
  explicit NeuralTextClassifier(ClassifierSpec spec) : spec_(std::move(spec)) {}

  void Fit(const std::vector<std::string>& texts, const std::vector<int>& labels) override {
    const auto& s = spec_.settings;
    torch::set_num_threads(static_cast<int>(s.threads));
    torch::manual_seed(s.seed);
    std::mt19937_64 rng(s.seed);
    auto [fit_rows, held_rows] = credit::StratifiedHoldOut(labels, s.network.validation, rng);
    summary_ = nlohmann::json::object();
    pooling_ = s.network.pooling;
    ngram_buckets_ = s.model == TextModelKind::kTransformer ? s.network.ngram_buckets : 0;

    train::LoopOptions loop = s.loop;
    loop.progress = spec_.progress;
    loop.label = spec_.label;
    const Chosen chosen =
        FitOnce(Pick(texts, fit_rows), Pick(labels, fit_rows), Pick(texts, held_rows),
                Pick(labels, held_rows), loop, s.network.pretrain_epochs, rng, summary_);
    if (!s.network.refit || held_rows.empty()) return;
    // The validation share has chosen the epochs; a fresh network learns from every text for
    // that many, since on a few thousand texts a tenth more to learn from matters more than
    // watching the validation loss.
    loop.epochs = chosen.epochs;
    loop.label = spec_.label.empty() ? std::string() : spec_.label + " refit";
    torch::manual_seed(s.seed);
    nlohmann::json refit = nlohmann::json::object();
    FitOnce(texts, labels, {}, {}, loop, chosen.pretrain_epochs, rng, refit);
    refit["epochs"] = chosen.epochs;
    refit["texts"] = texts.size();
    summary_["refit"] = std::move(refit);
  }

  TextPredictions Predict(const std::vector<std::string>& texts) const override {
    TextPredictions p;
    p.classes = spec_.classes;
    p.probabilities.assign(texts.size() * p.classes, 0);
    torch::NoGradGuard no_grad;
    if (mlp_) {
      p.truncated.assign(texts.size(), 0);
      mlp_->eval();
      const auto x = Features(texts);
      for (std::int64_t s = 0; s < x.size(0); s += kPredictBatch) {
        const auto probs = torch::softmax(mlp_->forward(x.slice(0, s, s + kPredictBatch)), 1);
        std::copy_n(probs.contiguous().data_ptr<float>(), probs.numel(),
                    p.probabilities.begin() + s * static_cast<std::int64_t>(p.classes));
      }
      return p;
    }
    const Sequences seqs = Encode(*tokenizer_, texts, shape_.max_length, &p.truncated);
    const Sequences ngrams = NgramBuckets(texts, ngram_buckets_);
    // Similar lengths together: less padding to compute.
    std::vector<std::int64_t> order(seqs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
      return seqs[static_cast<std::size_t>(a)].size() < seqs[static_cast<std::size_t>(b)].size();
    });
    sequence_->eval();
    for (std::size_t s = 0; s < order.size(); s += kPredictBatch) {
      const auto n =
          static_cast<std::int64_t>(std::min<std::size_t>(kPredictBatch, order.size() - s));
      const auto probs = torch::softmax(sequence_->forward(Collate(seqs, order.data() + s, n),
                                                           NgramsOf(ngrams, order.data() + s, n)),
                                        1)
                             .contiguous();
      const float* q = probs.data_ptr<float>();
      for (std::int64_t k = 0; k < n; ++k)
        for (std::size_t c = 0; c < p.classes; ++c)
          p.probabilities[static_cast<std::size_t>(order[s + static_cast<std::size_t>(k)]) *
                              p.classes +
                          c] =
              q[k * static_cast<std::int64_t>(p.classes) + static_cast<std::int64_t>(c)];
    }
    return p;
  }

  void Save(const std::string& dir) const override {
    nlohmann::json network = {{"model", TextModelName(spec_.settings.model)}};
    if (mlp_) {
      vectors_->Save(dir + "/word_vectors.bin");
      network["word_vectors_sha256"] = Sha256File(dir + "/word_vectors.bin");
      network["inputs"] = vectors_->Dimension();
      network["mean"] = feature_mean_;
      network["scale"] = feature_scale_;
      train::deep::SaveWeights(*mlp_, dir + "/network.pt");
    } else {
      tokenizer_->Save(dir + "/tokenizer.model");
      network["shape"] = shape_.ToJson();
      if (transformer_) network["pooling"] = EnumName(pooling_);
      if (ngram_buckets_ > 0) network["ngram_buckets"] = ngram_buckets_;
      train::deep::SaveWeights(*sequence_, dir + "/network.pt");
    }
    WriteFileAtomic(dir + "/network.json", network.dump(2));
  }

  void Load(const std::string& dir) override {
    const std::string path = dir + "/network.json";
    const auto j = JsonReader::Parse(ReadFile(path, 1 << 20), path);
    const JsonReader r(j, path);
    const auto kind = ParseEnumAt<TextModelKind>(r["model"]);
    if (kind != spec_.settings.model)
      r["model"].Fail(fmt::format("is {}, and model.json says {}", TextModelName(kind),
                                  TextModelName(spec_.settings.model)));
    if (kind == TextModelKind::kEmbeddingMlp) {
      // fastText trusts its file (a cut one loops forever): only the file this model saved is read.
      const std::string vectors = dir + "/word_vectors.bin";
      FINML_REQUIRE(std::filesystem::is_regular_file(vectors), "{}: no word vectors", vectors);
      if (Sha256File(vectors) != r["word_vectors_sha256"].String(64))
        r["word_vectors_sha256"].Fail(
            "differs from word_vectors.bin's (fix: restore the file, or train again)");
      vectors_ = std::make_unique<WordVectors>(WordVectors::Load(vectors));
      const auto dim = r["inputs"].Integer(1, 100000);
      if (dim != vectors_->Dimension())
        r["inputs"].Fail("differs from the word vectors' dimension");
      const auto floats = [&](const char* key) {
        const auto v = r[key].Numbers(static_cast<std::size_t>(dim));
        if (v.size() != static_cast<std::size_t>(dim)) r[key].Fail("needs one number per input");
        return std::vector<float>(v.begin(), v.end());
      };
      feature_mean_ = floats("mean");
      feature_scale_ = floats("scale");
      for (const float v : feature_scale_)
        if (!(v > 0)) r["scale"].Fail("must be positive");
      RequireWeightsCover(
          dir + "/network.pt",
          static_cast<double>(dim) * static_cast<double>(spec_.settings.network.hidden));
      BuildMlp();
      train::deep::LoadWeights(*mlp_, dir + "/network.pt", "embedding_mlp");
    } else {
      tokenizer_ = std::make_unique<Tokenizer>(Tokenizer::Load(dir + "/tokenizer.model"));
      shape_ = EncoderShape::FromJson(r["shape"]);
      // Models saved before pooling was a choice read [CLS].
      pooling_ = r.Has("pooling") ? ParseEnumAt<PoolingKind>(r["pooling"]) : PoolingKind::kCls;
      ngram_buckets_ = r.Has("ngram_buckets") ? r["ngram_buckets"].Integer(1, 1 << 20) : 0;
      if (ngram_buckets_ > 0 && kind != TextModelKind::kTransformer)
        r["ngram_buckets"].Fail("is the transformer's");
      if (shape_.vocab != tokenizer_->VocabSize())
        r["shape"]["vocab"].Fail(fmt::format("is {}, and the tokenizer has {} pieces", shape_.vocab,
                                             tokenizer_->VocabSize()));
      RequireWeightsCover(dir + "/network.pt",
                          ParameterFloor(shape_, kind) + static_cast<double>(ngram_buckets_) *
                                                             static_cast<double>(shape_.d_model));
      BuildSequence();
      train::deep::LoadWeights(*sequence_, dir + "/network.pt", TextModelName(kind));
    }
  }

  nlohmann::json Summary() const override { return summary_; }

 private:
  // The epochs early stopping chose, for a refit on every text.
  struct Chosen {
    std::int64_t epochs = 0, pretrain_epochs = 0;
  };

  // Tokenizer (or word vectors), network and teacher from `fit_texts`, early stopping on the
  // held texts (none: every epoch of `loop` is trained and the last weights kept).
  Chosen FitOnce(const std::vector<std::string>& fit_texts, const std::vector<int>& fit_labels,
                 const std::vector<std::string>& held_texts, const std::vector<int>& held_labels,
                 const train::LoopOptions& loop, std::int64_t pretrain_epochs, std::mt19937_64& rng,
                 nlohmann::json& summary) {
    const auto& s = spec_.settings;
    Chosen chosen;
    if (s.model == TextModelKind::kEmbeddingMlp) {
      vectors_ = std::make_unique<WordVectors>(
          WordVectors::Train(fit_texts, {.dim = static_cast<int>(s.network.embedding_dim),
                                         .epochs = static_cast<int>(s.network.embedding_epochs),
                                         .seed = s.seed}));
      FitScaler(fit_texts);
      BuildMlp();
    } else {
      if (!s.pretrained.empty() && s.model == TextModelKind::kTransformer) {
        LoadPretrained(s.pretrained);
      } else {
        tokenizer_ = std::make_unique<Tokenizer>(Tokenizer::Train(fit_texts, s.tokenizer));
        shape_ = ShapeFrom(s.network, tokenizer_->VocabSize());
        BuildSequence();
        if (s.model == TextModelKind::kTransformer && pretrain_epochs > 0) {
          MaskedLm mlm(shape_);
          train::LoopOptions pre = loop;
          pre.epochs = pretrain_epochs;
          pre.lr = s.network.pretrain_lr;
          pre.label = loop.label.empty() ? std::string() : loop.label + " pretrain";
          const auto result =
              TrainMlm(mlm, EncodeAll(fit_texts), EncodeAll(held_texts), 0.15, pre, s.seed, rng);
          summary["pretrain"] = History(result);
          chosen.pretrain_epochs = std::max<std::int64_t>(1, result.best_epoch);
          CopyParameters(*mlm->encoder, *transformer_->encoder);
        }
      }
      summary["vocab_size"] = tokenizer_->VocabSize();
    }
    // The texts the network learns from: the labelled ones, then the teacher's copies (label -1).
    std::vector<std::string> learn_texts = fit_texts;
    std::vector<int> learn_labels = fit_labels;
    torch::Tensor teacher;
    if (s.network.distill > 0) {
      std::vector<std::size_t> source;
      if (s.network.distill_copies > 0) {
        std::mt19937_64 drop_rng(s.seed ^ 0xD1571CULL);
        for (std::size_t i = 0; i < fit_texts.size(); ++i)
          for (std::int64_t c = 0; c < s.network.distill_copies; ++c) {
            learn_texts.push_back(WordDropped(fit_texts[i], s.network.distill_word_drop, drop_rng));
            learn_labels.push_back(-1);
            source.push_back(i);
          }
      }
      teacher = TeacherTargets(fit_texts, fit_labels, learn_texts, source);
      // How good the soft targets are: the teacher's out-of-fold accuracy on the labelled texts.
      const auto picked =
          teacher.slice(0, 0, static_cast<std::int64_t>(fit_labels.size())).argmax(1);
      const auto right =
          picked.eq(torch::tensor(std::vector<std::int64_t>(fit_labels.begin(), fit_labels.end())))
              .sum()
              .item<double>();
      summary["teacher"] = {
          {"out_of_fold_accuracy", right / static_cast<double>(fit_labels.size())},
          {"copies", learn_texts.size() - fit_texts.size()}};
    }
    const auto result =
        TrainClassifier(learn_texts, learn_labels, teacher, held_texts, held_labels, loop, rng);
    summary["fine_tune"] = History(result);
    chosen.epochs = std::max<std::int64_t>(1, result.best_epoch);
    return chosen;
  }

  // Fewer floats than the network of `shape` holds: its embeddings and its largest matrices.
  static double ParameterFloor(const EncoderShape& e, TextModelKind kind) {
    const auto d = static_cast<double>(e.d_model);
    const double per_layer = kind == TextModelKind::kTransformer
                                 ? 4 * d * d + 2 * d * static_cast<double>(e.ff)
                                 : 16 * d * d;  // two directions, input and recurrent
    return static_cast<double>(e.vocab) * d + static_cast<double>(e.layers) * per_layer;
  }

  // A network.json declaring a shape larger than its weights file holds is refused before the
  // network is built: a few edited bytes must not allocate gigabytes.
  static void RequireWeightsCover(const std::string& path, double floats) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    FINML_REQUIRE(!ec, "{}: cannot read ({}) (fix: restore the file, or train again)", path,
                  ec.message());
    FINML_REQUIRE(4 * floats <= static_cast<double>(bytes),
                  "{}: {} bytes cannot hold the {} or more weights network.json declares (fix: "
                  "keep network.json and network.pt from the same training)",
                  path, bytes, static_cast<std::size_t>(floats));
  }

  Sequences EncodeAll(const std::vector<std::string>& texts) const {
    return Encode(*tokenizer_, texts, shape_.max_length, nullptr);
  }

  // The n-gram buckets of `rows` as the network takes them (undefined without buckets).
  torch::Tensor NgramsOf(const Sequences& ngrams, const std::int64_t* rows,
                         std::int64_t count) const {
    return ngram_buckets_ > 0 ? Collate(ngrams, rows, count) : torch::Tensor();
  }

  // The texts' averaged word vectors, standardised by the training texts' mean and spread
  // (averages of unit vectors are small numbers the network would learn slowly from).
  torch::Tensor Features(const std::vector<std::string>& texts) const {
    const auto dim = vectors_->Dimension();
    auto x = torch::empty({static_cast<std::int64_t>(texts.size()), dim});
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const auto v = vectors_->Average(texts[i]);
      std::copy(v.begin(), v.end(), x.data_ptr<float>() + static_cast<std::int64_t>(i) * dim);
    }
    if (!feature_mean_.empty())
      x = (x - torch::tensor(feature_mean_)) / torch::tensor(feature_scale_);
    return x;
  }

  void FitScaler(const std::vector<std::string>& texts) {
    feature_mean_.clear();
    feature_scale_.clear();
    const auto x = Features(texts);
    const auto mean = x.mean(0), scale = x.std(0, /*unbiased=*/false).clamp_min(1e-6);
    feature_mean_.assign(mean.data_ptr<float>(), mean.data_ptr<float>() + mean.numel());
    feature_scale_.assign(scale.data_ptr<float>(), scale.data_ptr<float>() + scale.numel());
  }

  void BuildMlp() {
    mlp_ = Mlp(vectors_->Dimension(), spec_.settings.network.hidden,
               static_cast<std::int64_t>(spec_.classes), spec_.settings.network.dropout);
  }

  void BuildSequence() {
    const auto classes = static_cast<std::int64_t>(spec_.classes);
    if (spec_.settings.model == TextModelKind::kTransformer) {
      transformer_ =
          std::make_shared<TransformerClassifierImpl>(shape_, classes, pooling_, ngram_buckets_);
      sequence_ = transformer_;
    } else {
      sequence_ = std::make_shared<BiLstmClassifierImpl>(shape_, classes);
    }
  }

  void LoadPretrained(const std::string& dir) {
    const std::string path = dir + "/encoder.json";
    FINML_REQUIRE(std::filesystem::exists(path),
                  "--pretrained {}: no encoder.json (fix: a directory from finml nlp pretrain)",
                  dir);
    const auto j = JsonReader::Parse(ReadFile(path, 1 << 20), path);
    const JsonReader r(j, path);
    if (r["format"].String(64) != kEncoderFormat)
      r["format"].Fail(fmt::format("must be {}", kEncoderFormat));
    tokenizer_ = std::make_unique<Tokenizer>(Tokenizer::Load(dir + "/tokenizer.model"));
    shape_ = EncoderShape::FromJson(r["shape"]);
    // Fine-tuning keeps the pretrained shape; only the dropout is the fine-tuning's own.
    shape_.dropout = spec_.settings.network.dropout;
    if (shape_.vocab != tokenizer_->VocabSize())
      r["shape"]["vocab"].Fail("differs from the tokenizer's vocabulary");
    BuildSequence();
    train::deep::LoadWeights(*transformer_->encoder, dir + "/encoder.pt", "pretrained encoder");
    summary_["pretrained_from"] = dir;
  }

  std::vector<float> ClassWeights(const std::vector<int>& labels) const {
    if (!spec_.settings.network.class_weights) return std::vector<float>(spec_.classes, 1.0F);
    std::vector<int> labelled;
    std::copy_if(labels.begin(), labels.end(), std::back_inserter(labelled),
                 [](int y) { return y >= 0; });
    const auto w = BalancedClassWeights(labelled, spec_.classes);
    return {w.begin(), w.end()};
  }

  // `text` with each word left out with chance `drop` (one word always stays).
  static std::string WordDropped(const std::string& text, double drop, std::mt19937_64& rng) {
    const auto words = Words(text);
    std::uniform_real_distribution<double> u(0, 1);
    std::string out;
    for (const auto& w : words)
      if (u(rng) >= drop) {
        if (!out.empty()) out += ' ';
        out.append(text, w.begin, w.end - w.begin);
      }
    if (out.empty() && !words.empty()) {
      const auto& w = words[std::uniform_int_distribution<std::size_t>(0, words.size() - 1)(rng)];
      out.assign(text, w.begin, w.end - w.begin);
    }
    return out.empty() ? text : out;
  }

  // The teacher's class probabilities [learn texts, classes]: `texts` first, then one row per
  // copy (copy j made from texts[source[j]]). Each row comes from a tfidf_logistic fitted on the
  // folds of `texts` that do not hold its text, so it carries the n-gram evidence of a text the
  // teacher has not seen rather than a memorised label.
  torch::Tensor TeacherTargets(const std::vector<std::string>& texts,
                               const std::vector<int>& labels,
                               const std::vector<std::string>& learn_texts,
                               const std::vector<std::size_t>& source) const {
    constexpr std::size_t kTeacherFolds = 5;
    ClassifierSpec teacher_spec = spec_;
    teacher_spec.settings.model = TextModelKind::kTfidfLogistic;
    teacher_spec.progress = false;
    const auto fold = credit::StratifiedFolds(labels, kTeacherFolds, spec_.settings.seed);
    auto targets = torch::zeros(
        {static_cast<std::int64_t>(learn_texts.size()), static_cast<std::int64_t>(spec_.classes)});
    auto* out = targets.data_ptr<float>();
    for (std::size_t k = 0; k < kTeacherFolds; ++k) {
      std::vector<std::size_t> learn, judge;
      for (std::size_t i = 0; i < texts.size(); ++i) (fold[i] == k ? judge : learn).push_back(i);
      for (std::size_t j = 0; j < source.size(); ++j)
        if (fold[source[j]] == k) judge.push_back(texts.size() + j);
      if (judge.empty() || learn.empty()) continue;
      auto teacher = MakeTextClassifier(teacher_spec);
      teacher->Fit(Pick(texts, learn), Pick(labels, learn));
      const auto p = teacher->Predict(Pick(learn_texts, judge));
      for (std::size_t j = 0; j < judge.size(); ++j)
        for (std::size_t c = 0; c < spec_.classes; ++c)
          out[judge[j] * spec_.classes + c] = static_cast<float>(p.Probability(j, c));
    }
    return targets;
  }

  train::deep::LoopResult TrainClassifier(const std::vector<std::string>& fit_texts,
                                          const std::vector<int>& fit_labels,
                                          const torch::Tensor& teacher,
                                          const std::vector<std::string>& held_texts,
                                          const std::vector<int>& held_labels,
                                          const train::LoopOptions& loop, std::mt19937_64& rng) {
    const auto weight = torch::tensor(ClassWeights(fit_labels));
    const auto y_fit =
        torch::tensor(std::vector<std::int64_t>(fit_labels.begin(), fit_labels.end()));
    const auto y_held =
        torch::tensor(std::vector<std::int64_t>(held_labels.begin(), held_labels.end()));
    const auto options = torch::nn::functional::CrossEntropyFuncOptions().weight(weight);
    const double distill = teacher.defined() ? spec_.settings.network.distill : 0.0;
    // The labels' loss, blended with the cross-entropy against the teacher's probabilities.
    const auto fit_loss = [&](const torch::Tensor& logits, const torch::Tensor& rows) {
      if (distill == 0)
        return torch::nn::functional::cross_entropy(logits, y_fit.index_select(0, rows), options);
      // The teacher's copies carry no label (-1): the labels' part is over the labelled rows.
      const auto y = y_fit.index_select(0, rows);
      const auto labelled = y.ge(0);
      auto loss = labelled.any().item<bool>()
                      ? torch::nn::functional::cross_entropy(logits.index({labelled}),
                                                             y.index({labelled}), options)
                      : torch::zeros({}, logits.options());
      const auto soft =
          -(teacher.index_select(0, rows) * torch::log_softmax(logits, 1)).sum(1).mean();
      return (1 - distill) * loss + distill * soft;
    };
    if (mlp_) {
      const auto x_fit = Features(fit_texts), x_held = Features(held_texts);
      return train::deep::TrainLoop(
          *mlp_, x_fit.size(0),
          [&](const torch::Tensor& rows) {
            return fit_loss(mlp_->forward(x_fit.index_select(0, rows)), rows);
          },
          held_texts.empty() ? train::deep::ValidationLoss{} : train::deep::ValidationLoss([&] {
            return torch::nn::functional::cross_entropy(mlp_->forward(x_held), y_held, options)
                .item<double>();
          }),
          loop, rng);
    }
    const Sequences fit = EncodeAll(fit_texts), held = EncodeAll(held_texts);
    const Sequences fit_ngrams = NgramBuckets(fit_texts, ngram_buckets_),
                    held_ngrams = NgramBuckets(held_texts, ngram_buckets_);
    const double token_dropout = spec_.settings.network.token_dropout;
    // Validation batches of similar lengths pad less.
    std::vector<std::int64_t> held_rows(held.size());
    std::iota(held_rows.begin(), held_rows.end(), 0);
    std::stable_sort(held_rows.begin(), held_rows.end(), [&](auto a, auto b) {
      return held[static_cast<std::size_t>(a)].size() < held[static_cast<std::size_t>(b)].size();
    });
    const auto y_held_sorted = y_held.index_select(0, torch::tensor(held_rows));
    return train::deep::TrainLoop(
        *sequence_, static_cast<std::int64_t>(fit.size()),
        [&](const torch::Tensor& rows) {
          auto ids = Collate(fit, rows.data_ptr<std::int64_t>(), rows.size(0));
          if (token_dropout > 0)
            ids = torch::where(torch::rand(ids.sizes())
                                   .lt(token_dropout)
                                   .logical_and(ids.ge(Tokenizer::kReserved)),
                               torch::full_like(ids, Tokenizer::kMask), ids);
          auto ngrams = NgramsOf(fit_ngrams, rows.data_ptr<std::int64_t>(), rows.size(0));
          // The same dropout for the n-grams: a bucket seen in one sentence would otherwise
          // memorise its label.
          if (ngrams.defined() && token_dropout > 0)
            ngrams = ngrams.masked_fill(torch::rand(ngrams.sizes()).lt(token_dropout), 0);
          return fit_loss(sequence_->forward(ids, ngrams), rows);
        },
        held.empty() ? train::deep::ValidationLoss{} : train::deep::ValidationLoss([&] {
          double total = 0;
          for (std::size_t s = 0; s < held_rows.size(); s += kPredictBatch) {
            const auto n = static_cast<std::int64_t>(
                std::min<std::size_t>(kPredictBatch, held_rows.size() - s));
            total += torch::nn::functional::cross_entropy(
                         sequence_->forward(Collate(held, held_rows.data() + s, n),
                                            NgramsOf(held_ngrams, held_rows.data() + s, n)),
                         y_held_sorted.slice(0, static_cast<std::int64_t>(s),
                                             static_cast<std::int64_t>(s) + n),
                         torch::nn::functional::CrossEntropyFuncOptions().weight(weight).reduction(
                             torch::kSum))
                         .item<double>();
          }
          return total / static_cast<double>(held_rows.size());
        }),
        loop, rng);
  }

  ClassifierSpec spec_;
  nlohmann::json summary_ = nlohmann::json::object();
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<WordVectors> vectors_;
  EncoderShape shape_;
  std::shared_ptr<SequenceClassifierImpl> sequence_;
  std::shared_ptr<TransformerClassifierImpl> transformer_;  // = sequence_ for the transformer
  PoolingKind pooling_ = PoolingKind::kCls;
  std::int64_t ngram_buckets_ = 0;                   // transformer: hashed word n-grams (0: none)
  mutable Mlp mlp_{nullptr};                         // forward() is not const in LibTorch
  std::vector<float> feature_mean_, feature_scale_;  // embedding_mlp: the inputs' scaler
};

}  // namespace
}  // namespace finml::nlp::deep

extern "C" finml::nlp::TextClassifier* finml_torch_make_text_classifier(
    const finml::nlp::ClassifierSpec& spec) {
  finml::models::deep::ApplyRequestedTorchThreads();
  return new finml::nlp::deep::NeuralTextClassifier(spec);
}

extern "C" void finml_torch_pretrain_encoder(const finml::nlp::PretrainSettings& settings,
                                             const std::vector<std::string>& corpus,
                                             const std::string& dir, bool progress,
                                             nlohmann::json& summary) {
  using namespace finml;
  using namespace finml::nlp;
  using namespace finml::nlp::deep;
  torch::set_num_threads(static_cast<int>(settings.threads));
  torch::manual_seed(settings.seed);
  std::mt19937_64 rng(settings.seed);
  // A tenth of the texts, drawn by the seed, judge the masked-token loss for early stopping.
  std::vector<std::size_t> order(corpus.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t held = corpus.size() >= 20 ? corpus.size() / 10 : 0;
  std::vector<std::string> fit_texts, held_texts;
  for (std::size_t k = 0; k < order.size(); ++k)
    (k < held ? held_texts : fit_texts).push_back(corpus[order[k]]);
  const Tokenizer tokenizer = Tokenizer::Train(fit_texts, settings.tokenizer);
  const EncoderShape shape = ShapeFrom(settings.network, tokenizer.VocabSize());
  MaskedLm mlm(shape);
  train::LoopOptions loop = settings.loop;
  loop.progress = progress;
  loop.label = "pretrain";
  std::vector<std::uint8_t> cut;
  const auto fit = Encode(tokenizer, fit_texts, shape.max_length, &cut);
  const auto truncated = std::count(cut.begin(), cut.end(), 1);
  const auto result = TrainMlm(mlm, fit, Encode(tokenizer, held_texts, shape.max_length, nullptr),
                               settings.mask_rate, loop, settings.seed, rng);
  tokenizer.Save(dir + "/tokenizer.model");
  train::deep::SaveWeights(*mlm->encoder, dir + "/encoder.pt");
  summary = History(result);
  summary["texts"] = fit_texts.size();
  summary["validation_texts"] = held_texts.size();
  summary["truncated_texts"] = truncated;
  summary["vocab_size"] = tokenizer.VocabSize();
  nlohmann::json manifest = {
      {"format", kEncoderFormat}, {"shape", shape.ToJson()}, {"summary", summary}};
  WriteFileAtomic(dir + "/encoder.json", manifest.dump(2));
}
