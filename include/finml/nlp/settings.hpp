// The settings of finml's text models, declared once: experiment files (`task: nlp`), the flags of
// `finml nlp train|pretrain`, --set, and the record in metrics.json all come from these schemas.
#pragma once

#include <cstdint>
#include <string>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/train/loop_options.hpp"

namespace finml::nlp {

enum class TextModelKind { kTfidfLogistic, kEmbeddingMlp, kBilstm, kTransformer };
enum class SubwordKind { kUnigram, kBpe };
// How the transformer reads a text's vector off its encoder: the [CLS] position (BERT), or the
// mean over the text's tokens (padding excluded). On PhraseBank the two score alike.
enum class PoolingKind { kCls, kMean };

// SentencePiece, trained on the model's training texts (never on the texts it is judged on).
struct TokenizerSettings {
  std::int64_t vocab_size = 4000;  // an upper bound: a small corpus gets what it can hold
  SubwordKind subword = SubwordKind::kUnigram;
  // SentencePiece's normaliser: nmt_nfkc (Unicode NFKC), nmt_nfkc_cf (and case folding),
  // identity (none).
  std::string normalization = "nmt_nfkc_cf";
  static const options::Schema<TokenizerSettings>& Schema();
};

// TF-IDF n-grams with scikit-learn's TfidfVectorizer semantics, and the L2 multinomial logistic
// regression fitted on them.
struct TfidfSettings {
  std::int64_t ngram_max = 2;     // word n-grams 1..ngram_max
  std::int64_t min_df = 2;        // documents a term must appear in
  std::int64_t max_features = 0;  // 0: every term; else the most frequent
  bool sublinear_tf = true;       // 1 + log(tf)
  double logistic_c = 10;         // inverse L2 strength, scikit-learn's C
  static const options::Schema<TfidfSettings>& Schema();
};

// The neural models' shapes and the word vectors of embedding_mlp.
struct NetworkSettings {
  std::int64_t max_length = 128;  // tokens, [CLS] included; longer texts are truncated, counted
  std::int64_t d_model = 96;      // transformer width; bilstm: units per direction
  std::int64_t layers = 2;
  std::int64_t heads = 4;
  std::int64_t ff = 192;  // transformer feed-forward width
  double dropout = 0.1;
  std::int64_t hidden = 128;           // embedding_mlp: hidden units
  std::int64_t embedding_dim = 100;    // word vectors (fastText skip-gram)
  std::int64_t embedding_epochs = 20;  // fastText passes over the training texts
  bool class_weights = false;          // weight classes by inverse frequency in the loss
  double validation = 0.1;             // fraction of the training texts held out for early stopping
  // Masked-language-model pretraining of the transformer on its own training texts before
  // fine-tuning (0: from scratch). Ignored with --pretrained, which brings its own.
  std::int64_t pretrain_epochs = 0;
  double pretrain_lr = 1e-3;  // the pretraining's learning rate (--lr is the fine-tuning's)
  // Share of the ordinary tokens replaced by [MASK] in each training batch of the sequence
  // models: a regulariser for small corpora, where a network memorises whole sentences.
  double token_dropout = 0.1;
  PoolingKind pooling = PoolingKind::kCls;  // transformer: [CLS] or the mean of its tokens
  // Transformer: buckets of hashed word uni- and bigrams (0: none). Each text's mean n-gram
  // embedding joins its pooled vector, learned with the rest of the network (fastText's bag of
  // n-grams): a phrase seen in a handful of training sentences is one learned vector, where the
  // encoder alone must compose it from subword pieces it has seen as rarely.
  std::int64_t ngram_buckets = 0;
  // Weight of a teacher's soft targets in the neural models' loss (0: labels only). The teacher
  // is tfidf_logistic, cross-fitted on the training texts (each text's targets come from a fit
  // that did not see it), so the network learns where n-gram evidence points without the
  // teacher having memorised the labels.
  double distill = 0;
  // With distill: copies of each training text with words dropped at random, labelled by the
  // teacher alone (the fold that did not see the text). More of the teacher's function for the
  // network to learn than the training texts show it.
  std::int64_t distill_copies = 0;
  double distill_word_drop = 0.2;  // chance each word of a copy is left out
  // Networks fitted with seeds seed, seed + 1, ... on the same texts; the model averages their
  // probabilities. On a few thousand texts a single network's fit depends on its initial weights
  // and batch order more than on its settings.
  std::int64_t members = 1;
  // After early stopping has chosen the epochs on the validation share, a fresh network (and
  // tokenizer and teacher) learns from every training text for that many epochs and is kept.
  bool refit = false;
  // Weight of tfidf_logistic's probabilities in the model's prediction (0: the network alone).
  // tfidf_logistic is fitted on the same training texts; the model predicts
  // (1 - blend) * network + blend * tfidf_logistic.
  double blend = 0;
  static const options::Schema<NetworkSettings>& Schema();
};

struct NlpSettings {
  std::string data;  // CSV
  std::string text = "sentence";
  std::string label = "label";
  TextModelKind model = TextModelKind::kTfidfLogistic;
  std::string pretrained;  // a `finml nlp pretrain` directory (transformer only)
  std::int64_t folds = 0;  // stratified cross-validation before the final fit; 0: none
  double test = 0.2;       // without folds: the stratified share held out for the metrics
  bool final_fit = true;   // with folds: fit and save a model on every text afterwards
  std::uint64_t seed = 42;
  std::int64_t threads = 1;       // torch intra-op threads
  std::int64_t bootstrap = 1000;  // resamples for the 95% intervals
  std::int64_t examples = 25;     // misclassified examples (with attributions) in the report
  TokenizerSettings tokenizer;
  TfidfSettings tfidf;
  NetworkSettings network;
  // epochs, batch, lr, ... of the neural models
  train::LoopOptions loop{.epochs = 40, .batch = 32, .lr = 1e-3, .patience = 5};
  static const options::Schema<NlpSettings>& Schema();
};

// `finml nlp pretrain`: a tokenizer and a transformer encoder trained by masked-language
// modelling on unlabelled text, one text per line.
struct PretrainSettings {
  std::string corpus;
  std::uint64_t seed = 42;
  std::int64_t threads = 1;
  double mask_rate = 0.15;
  TokenizerSettings tokenizer;
  NetworkSettings network;
  train::LoopOptions loop{.epochs = 40, .batch = 64, .lr = 1e-3, .patience = 5};
  static const options::Schema<PretrainSettings>& Schema();
};

[[nodiscard]] const char* TextModelName(TextModelKind kind);
// The model as messages and reports name it: its kind, what was added to the network (teacher,
// pretraining, n-grams, weight average, members), and the blend when there is one (so a blended
// figure is never read as the network's alone).
[[nodiscard]] std::string TextModelTitle(const NlpSettings& settings);

}  // namespace finml::nlp

template <>
struct finml::EnumNames<finml::nlp::TextModelKind> {
  static constexpr std::string_view what = "text model";
  static constexpr finml::NamedValue<finml::nlp::TextModelKind> values[] = {
      {finml::nlp::TextModelKind::kTfidfLogistic, "tfidf_logistic"},
      {finml::nlp::TextModelKind::kEmbeddingMlp, "embedding_mlp"},
      {finml::nlp::TextModelKind::kBilstm, "bilstm"},
      {finml::nlp::TextModelKind::kTransformer, "transformer"}};
};
template <>
struct finml::EnumNames<finml::nlp::SubwordKind> {
  static constexpr std::string_view what = "subword model";
  static constexpr finml::NamedValue<finml::nlp::SubwordKind> values[] = {
      {finml::nlp::SubwordKind::kUnigram, "unigram"}, {finml::nlp::SubwordKind::kBpe, "bpe"}};
};
template <>
struct finml::EnumNames<finml::nlp::PoolingKind> {
  static constexpr std::string_view what = "pooling";
  static constexpr finml::NamedValue<finml::nlp::PoolingKind> values[] = {
      {finml::nlp::PoolingKind::kCls, "cls"}, {finml::nlp::PoolingKind::kMean, "mean"}};
};
