#include "finml/nlp/settings.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

namespace finml::nlp {

const char* TextModelName(TextModelKind kind) {
  for (const auto& v : EnumNames<TextModelKind>::values)
    if (v.value == kind) return v.name.data();
  return "?";
}

std::string TextModelTitle(const NlpSettings& s) {
  std::string title = TextModelName(s.model);
  if (s.model != TextModelKind::kTfidfLogistic) {
    const auto& n = s.network;
    std::vector<std::string> parts;
    if (!s.pretrained.empty() || n.pretrain_epochs > 0) parts.emplace_back("MLM-pretrained");
    if (n.distill > 0)
      parts.push_back(fmt::format(
          "distilled from {} ({:.2f}{})", TextModelName(TextModelKind::kTfidfLogistic), n.distill,
          n.distill_copies > 0 ? fmt::format(", {} cop{} per text", n.distill_copies,
                                             n.distill_copies == 1 ? "y" : "ies")
                               : std::string()));
    if (n.ngram_buckets > 0 && s.model == TextModelKind::kTransformer)
      parts.push_back(fmt::format("{} n-gram buckets", n.ngram_buckets));
    if (s.loop.weight_average > 0)
      parts.push_back(fmt::format("weight average {}", s.loop.weight_average));
    if (n.members > 1) parts.push_back(fmt::format("{} members", n.members));
    if (!parts.empty()) title += fmt::format(" ({})", fmt::join(parts, ", "));
  }
  if (s.network.blend > 0)
    title += fmt::format(" blended with {} ({:.2f} of it)",
                         TextModelName(TextModelKind::kTfidfLogistic), s.network.blend);
  return title;
}

const options::Schema<TokenizerSettings>& TokenizerSettings::Schema() {
  static const auto schema = [] {
    using T = TokenizerSettings;
    options::Schema<T> s;
    s.Add("vocab_size", &T::vocab_size,
          "SentencePiece vocabulary, at most (a small corpus gets less)")
        .Min(64)
        .Max(1000000);
    s.Add("subword", &T::subword, "SentencePiece model: unigram or bpe");
    s.Add("normalization", &T::normalization,
          "Unicode normalisation: nmt_nfkc, nmt_nfkc_cf (NFKC and case folding) or identity")
        .Names([](const std::string& v) {
          FINML_REQUIRE(v == "nmt_nfkc" || v == "nmt_nfkc_cf" || v == "identity" || v == "nfkc" ||
                            v == "nfkc_cf",
                        "unknown normalization '{}' (valid: nmt_nfkc, nmt_nfkc_cf, nfkc, nfkc_cf, "
                        "identity)",
                        v);
          return v;
        });
    return s;
  }();
  return schema;
}

const options::Schema<TfidfSettings>& TfidfSettings::Schema() {
  static const auto schema = [] {
    using T = TfidfSettings;
    options::Schema<T> s;
    s.Add("ngram_max", &T::ngram_max, "tfidf_logistic: word n-grams of 1 to this many words")
        .Min(1)
        .Max(5);
    s.Add("min_df", &T::min_df, "tfidf_logistic: texts a term must occur in").Min(1);
    s.Add("max_features", &T::max_features,
          "tfidf_logistic: keep the most frequent terms only (0: all)")
        .Min(0);
    s.Add("sublinear_tf", &T::sublinear_tf, "tfidf_logistic: term frequency as 1 + log(count)");
    s.Add("logistic_c", &T::logistic_c,
          "tfidf_logistic: inverse L2 strength (scikit-learn's C; penalty 1/(2C) |W|^2)")
        .Above(0);
    return s;
  }();
  return schema;
}

const options::Schema<NetworkSettings>& NetworkSettings::Schema() {
  static const auto schema = [] {
    using N = NetworkSettings;
    options::Schema<N> s;
    s.Add("max_length", &N::max_length,
          "tokens per text, [CLS] included; longer texts are truncated and counted")
        .Min(4)
        .Max(4096);
    s.Add("d_model", &N::d_model, "transformer width; bilstm: units per direction")
        .Min(4)
        .Max(4096);
    s.Add("layers", &N::layers, "transformer blocks or LSTM layers").Min(1).Max(48);
    s.Add("heads", &N::heads, "transformer attention heads (must divide d_model)").Min(1).Max(64);
    s.Add("ff", &N::ff, "transformer feed-forward width").Min(1).Max(65536);
    s.Add("dropout", &N::dropout, "dropout rate").Min(0).Below(1);
    s.Add("hidden", &N::hidden, "embedding_mlp: hidden units").Min(1).Max(65536);
    s.Add("embedding_dim", &N::embedding_dim, "embedding_mlp: word-vector size").Min(2).Max(1000);
    s.Add("embedding_epochs", &N::embedding_epochs,
          "embedding_mlp: fastText skip-gram passes over the training texts")
        .Min(1)
        .Max(1000);
    s.Add("class_weights", &N::class_weights,
          "weight each class by its inverse frequency in the loss");
    s.Add("validation", &N::validation,
          "fraction of the training texts held out (stratified) for early stopping")
        .Above(0)
        .Below(0.9);
    s.Add("pretrain_epochs", &N::pretrain_epochs,
          "transformer: masked-language-model epochs on its own training texts before "
          "fine-tuning (0: from scratch)")
        .Min(0)
        .Max(100000);
    s.Add("pretrain_lr", &N::pretrain_lr,
          "transformer: learning rate of the pretraining (--lr is the fine-tuning's)")
        .Above(0)
        .Max(10);
    s.Add("token_dropout", &N::token_dropout,
          "bilstm, transformer: share of tokens replaced by [MASK] in each training batch")
        .Min(0)
        .Below(1);
    s.Add("pooling", &N::pooling,
          "transformer: the text's vector from the [CLS] position (cls) or the mean of its "
          "tokens (mean)");
    s.Add("ngram_buckets", &N::ngram_buckets,
          "transformer: hash buckets of word uni- and bigrams whose mean embedding joins the "
          "pooled vector (0: none)")
        .Min(0)
        .Max(1 << 20);
    s.Add("distill", &N::distill,
          "neural models: weight of a cross-fitted tfidf_logistic teacher's probabilities in the "
          "loss (0: the labels only)")
        .Min(0)
        .Below(1);
    s.Add("distill_copies", &N::distill_copies,
          "with distill: copies of each training text with words left out at random, labelled by "
          "the teacher alone")
        .Min(0)
        .Max(100);
    s.Add("distill_word_drop", &N::distill_word_drop,
          "with distill_copies: the chance each word of a copy is left out")
        .Above(0)
        .Below(1);
    s.Add("members", &N::members,
          "neural models: networks fitted with seeds seed, seed+1, ...; the model averages their "
          "probabilities")
        .Min(1)
        .Max(32);
    s.Add("refit", &N::refit,
          "neural models: once early stopping has chosen the epochs on the validation share, fit "
          "a fresh network on every training text for that many epochs and keep it");
    s.Add("blend", &N::blend,
          "neural models: weight of a tfidf_logistic fitted on the same texts in the prediction "
          "(0: the network alone)")
        .Min(0)
        .Below(1);
    return s;
  }();
  return schema;
}

const options::Schema<NlpSettings>& NlpSettings::Schema() {
  static const auto schema = [] {
    using S = NlpSettings;
    options::Schema<S> s;
    s.Add("data", &S::data, "CSV of labelled texts");
    s.Add("text", &S::text, "the column holding the text");
    s.Add("label", &S::label, "the column holding the class");
    s.Add("model", &S::model, "tfidf_logistic, embedding_mlp, bilstm or transformer");
    s.Add("pretrained", &S::pretrained,
          "transformer: a directory from finml nlp pretrain (its tokenizer and encoder)");
    s.Add("folds", &S::folds, "stratified cross-validation folds before the final fit (0: none)")
        .Min(0)
        .Max(100);
    s.Add("test", &S::test,
          "without folds: share of the texts (stratified) held out for the reported metrics")
        .Above(0)
        .Below(0.9);
    s.Add("final_fit", &S::final_fit,
          "with folds: then fit on every text and save that model (false: cross-validation only)");
    s.Add("seed", &S::seed, "seed of folds, initial weights, shuffling and the bootstrap");
    s.Add("threads", &S::threads, "torch threads").Min(1).Max(256);
    s.Add("bootstrap", &S::bootstrap, "resamples for the 95% intervals").Min(0).Max(1000000);
    s.Add("examples", &S::examples, "misclassified examples shown with token attributions")
        .Min(0)
        .Max(10000);
    s.Embed(&S::tokenizer, TokenizerSettings::Schema());
    s.Embed(&S::tfidf, TfidfSettings::Schema());
    s.Embed(&S::network, NetworkSettings::Schema());
    s.Embed(&S::loop, train::LoopOptions::Schema());
    s.Rule(
        "pretrained",
        [](const S& x) { return x.pretrained.empty() || x.model == TextModelKind::kTransformer; },
        "a pretrained encoder is for the transformer (fix: --model transformer, or no "
        "--pretrained)");
    s.Rule(
        "distill_copies",
        [](const S& x) { return x.network.distill_copies == 0 || x.network.distill > 0; },
        "the teacher's copies need a teacher (fix: --distill 0.5, or no --distill-copies)");
    s.Rule(
        "distill",
        [](const S& x) {
          return x.network.distill == 0 || x.model != TextModelKind::kTfidfLogistic;
        },
        "a teacher is for the neural models; tfidf_logistic is the teacher (fix: --model "
        "transformer, or no --distill)");
    s.Rule(
        "blend",
        [](const S& x) { return x.network.blend == 0 || x.model != TextModelKind::kTfidfLogistic; },
        "tfidf_logistic blended with itself is itself (fix: --model transformer, or no --blend)");
    s.Rule(
        "members",
        [](const S& x) {
          return x.network.members == 1 || x.model != TextModelKind::kTfidfLogistic;
        },
        "tfidf_logistic has no seed to vary: its members would be identical (fix: no --members)");
    s.Rule(
        "refit",
        [](const S& x) { return !x.network.refit || x.model != TextModelKind::kTfidfLogistic; },
        "tfidf_logistic has no epochs to choose: it always fits every text (fix: no --refit)");
    s.Rule(
        "pooling",
        [](const S& x) {
          return x.network.pooling == PoolingKind::kCls || x.model == TextModelKind::kTransformer;
        },
        "pooling is the transformer's (fix: --model transformer, or no --pooling)");
    s.Rule(
        "ngram_buckets",
        [](const S& x) {
          return x.network.ngram_buckets == 0 || x.model == TextModelKind::kTransformer;
        },
        "n-gram buckets are the transformer's (fix: --model transformer, or no --ngram-buckets)");
    return s;
  }();
  return schema;
}

const options::Schema<PretrainSettings>& PretrainSettings::Schema() {
  static const auto schema = [] {
    using P = PretrainSettings;
    options::Schema<P> s;
    s.Add("corpus", &P::corpus, "unlabelled text, one text per line (UTF-8)");
    s.Add("seed", &P::seed, "seed of the held-out texts, weights, masks and shuffling");
    s.Add("threads", &P::threads, "torch threads").Min(1).Max(256);
    s.Add("mask_rate", &P::mask_rate, "share of tokens masked (BERT: 0.15)").Above(0).Below(1);
    s.Embed(&P::tokenizer, TokenizerSettings::Schema());
    s.Embed(&P::network, NetworkSettings::Schema());
    s.Embed(&P::loop, train::LoopOptions::Schema());
    return s;
  }();
  return schema;
}

}  // namespace finml::nlp
