#include "bench_nlp.hpp"

#include <ATen/Parallel.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "bench_rng.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/models/deep.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/text.hpp"
#include "finml/nlp/tokenizer.hpp"

namespace finml_bench {
namespace {

using Clock = std::chrono::steady_clock;
using finml::nlp::Tokenizer;
using Sequences = std::vector<std::vector<std::int64_t>>;

constexpr std::size_t kSingle = 300;            // sentences predicted one at a time
constexpr std::size_t kList = 64;               // sentences per Predict call; the check's count
constexpr std::uint64_t kLabelSeed = 20261218;  // the fine-tuning's random labels
constexpr std::size_t kClasses = 3;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

// What the classifier feeds its network (Encode in src/nlp/deep/text_models.cpp): [CLS], then the
// text's ids while the sequence is shorter than max_length. Kept in step with it by hand; the
// peer's check compares the probabilities it gets from these ids with finml's.
Sequences EncodeLikeFinml(const Tokenizer& tokenizer, const std::vector<std::string>& texts,
                          std::int64_t max_length, std::size_t* cut) {
  Sequences out;
  for (const auto& text : texts) {
    std::vector<std::int64_t> seq{Tokenizer::kCls};
    const auto ids = tokenizer.Encode(text);
    for (const int id : ids) {
      if (static_cast<std::int64_t>(seq.size()) >= max_length) break;
      seq.push_back(id);
    }
    if (cut && ids.size() + 1 > static_cast<std::size_t>(max_length)) ++*cut;
    out.push_back(std::move(seq));
  }
  return out;
}

std::string Lines(const Sequences& seqs) {
  std::string text;
  for (const auto& seq : seqs) {
    for (std::size_t k = 0; k < seq.size(); ++k) {
      if (k > 0) text += ' ';
      text += std::to_string(seq[k]);
    }
    text += '\n';
  }
  return text;
}

// The rows Fit trains on: the first draw of Fit's generator (seeded with settings.seed), by the
// same stratified hold-out. The tokenizer trained on them here is compared with the one Fit
// saved (fine_tune.tokenizer_same), which catches Fit drawing differently.
std::pair<std::vector<std::size_t>, std::vector<std::size_t>> FitRows(
    const std::vector<int>& labels, double fraction, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return finml::credit::StratifiedHoldOut(labels, fraction, rng);
}

template <typename T>
std::vector<T> Pick(const std::vector<T>& all, const std::vector<std::size_t>& rows) {
  std::vector<T> out;
  for (const auto r : rows) out.push_back(all[r]);
  return out;
}

// `reps` timed calls of `body` (which returns the items it processed) after one untimed
// `warm_up`; rates are items per second.
template <typename Body, typename WarmUp>
nlohmann::json Repeat(const char* what, int reps, const Body& body, const WarmUp& warm_up) {
  warm_up();
  nlohmann::json seconds = nlohmann::json::array(), rates = nlohmann::json::array();
  std::size_t items = 0;
  for (int r = 0; r < reps; ++r) {
    const auto start = Clock::now();
    items = body();
    const double t = Seconds(start);
    seconds.push_back(t);
    rates.push_back(static_cast<double>(items) / t);
    std::fprintf(stderr, "finml %s rep %d: %.0f sentences/s\n", what, r + 1,
                 static_cast<double>(items) / t);
  }
  return {{"sentences", items}, {"seconds", seconds}, {"rates", rates}};
}

struct Loaded {
  finml::nlp::SavedTextModel saved;
  nlohmann::json shape;  // network.json's encoder shape
  std::vector<std::string> texts;
};

nlohmann::json Inference(const Loaded& in, int reps, double& sink) {
  const auto& model = *in.saved.model;
  const auto& texts = in.texts;
  nlohmann::json out = nlohmann::json::object();

  const Tokenizer tokenizer = Tokenizer::Load(in.saved.dir + "/tokenizer.model");
  std::size_t tokens = 0;
  out["tokenizer"] = Repeat(
      "tokenizer", reps,
      [&] {
        tokens = 0;
        for (const auto& t : texts) tokens += tokenizer.Encode(t).size();
        return texts.size();
      },
      [&] {
        for (std::size_t i = 0; i < std::min(texts.size(), kList); ++i)
          sink += static_cast<double>(tokenizer.Encode(texts[i]).size());
      });
  out["tokenizer"]["tokens"] = tokens;
  nlohmann::json token_rates = nlohmann::json::array();
  for (const double s : out["tokenizer"]["seconds"])
    token_rates.push_back(static_cast<double>(tokens) / s);
  out["tokenizer"]["token_rates"] = token_rates;

  std::vector<std::string> one(1);
  const std::size_t singles = std::min(texts.size(), kSingle);
  out["batch1"] = Repeat(
      "batch 1", reps,
      [&] {
        for (std::size_t i = 0; i < singles; ++i) {
          one[0] = texts[i];
          sink += model.Predict(one).probabilities[0];
        }
        return singles;
      },
      [&] {
        for (std::size_t i = 0; i < std::min(singles, std::size_t{20}); ++i) {
          one[0] = texts[i];
          sink += model.Predict(one).probabilities[0];
        }
      });

  // Copied before the clock starts: only Predict is timed.
  std::vector<std::vector<std::string>> lists;
  for (std::size_t s = 0; s < texts.size(); s += kList)
    lists.emplace_back(
        texts.begin() + static_cast<std::ptrdiff_t>(s),
        texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), s + kList)));
  out["lists64"] = Repeat(
      "lists of 64", reps,
      [&] {
        for (const auto& list : lists) sink += model.Predict(list).probabilities[0];
        return texts.size();
      },
      [&] { sink += model.Predict(lists.front()).probabilities[0]; });
  out["one_list"] = Repeat(
      "one list", reps,
      [&] {
        sink += model.Predict(texts).probabilities[0];
        return texts.size();
      },
      [&] { sink += model.Predict(lists.front()).probabilities[0]; });
  return out;
}

struct FineTuneSetup {
  std::vector<std::string> texts;
  std::vector<int> labels;
  std::vector<std::size_t> fit_rows, held_rows;
  finml::nlp::ClassifierSpec spec;
};

FineTuneSetup PrepareFineTune(const Loaded& in, std::size_t train, int epochs) {
  FineTuneSetup f;
  const std::size_t n = std::min(train, in.texts.size());
  f.texts.assign(in.texts.begin(), in.texts.begin() + static_cast<std::ptrdiff_t>(n));
  Rng rng(kLabelSeed);
  for (std::size_t i = 0; i < n; ++i) f.labels.push_back(static_cast<int>(rng.Next() % kClasses));
  f.spec.settings = in.saved.settings;
  auto& s = f.spec.settings;
  s.model = finml::nlp::TextModelKind::kTransformer;
  s.pretrained.clear();
  s.network.pretrain_epochs = 0;
  s.threads = 1;
  s.loop.epochs = epochs;
  s.loop.patience = 1000;  // every epoch runs, whatever the random labels do to the loss
  f.spec.classes = kClasses;
  std::tie(f.fit_rows, f.held_rows) = FitRows(f.labels, s.network.validation, s.seed);
  return f;
}

nlohmann::json FineTune(const FineTuneSetup& f, const Tokenizer& trained, double tokenizer_seconds,
                        const std::filesystem::path& scratch) {
  const auto model = finml::nlp::MakeTextClassifier(f.spec);
  const auto start = Clock::now();
  model->Fit(f.texts, f.labels);
  const double fit_seconds = Seconds(start);
  // The subtraction below is only fair if the tokenizer timed apart is the one Fit trained.
  std::filesystem::create_directories(scratch);
  model->Save(scratch.string());
  const bool same = ReadAll(scratch / "tokenizer.model") == trained.Serialized();
  const nlohmann::json summary = model->Summary();
  const std::size_t epochs_run = summary["fine_tune"]["history"].size();
  const double samples = static_cast<double>(f.fit_rows.size() * epochs_run);
  const double rate = samples / (fit_seconds - tokenizer_seconds);
  std::fprintf(stderr,
               "finml fine-tuning: Fit %.2f s, of which tokenizer %.2f s; %.1f samples/s%s\n",
               fit_seconds, tokenizer_seconds, rate,
               same ? "" : " (WARNING: Fit's tokenizer differs from the one timed)");
  return {{"sentences", f.texts.size()},     {"fit_rows", f.fit_rows.size()},
          {"held_rows", f.held_rows.size()}, {"epochs", f.spec.settings.loop.epochs},
          {"epochs_run", epochs_run},        {"batch", f.spec.settings.loop.batch},
          {"fit_seconds", fit_seconds},      {"tokenizer_seconds", tokenizer_seconds},
          {"samples_per_s", rate},           {"tokenizer_same", same},
          {"vocab", trained.VocabSize()},    {"summary", summary}};
}

// The peer's inputs (see bench_nlp.hpp); returns what it wrote.
nlohmann::json WriteInputs(const Loaded& in, const FineTuneSetup& f, const std::string& ids) {
  const std::int64_t max_length = in.saved.settings.network.max_length;
  std::size_t cut = 0;
  const Tokenizer tokenizer = Tokenizer::Load(in.saved.dir + "/tokenizer.model");
  WriteText(ids, Lines(EncodeLikeFinml(tokenizer, in.texts, max_length, &cut)));
  const std::vector<std::string> first(
      in.texts.begin(),
      in.texts.begin() + static_cast<std::ptrdiff_t>(std::min(in.texts.size(), kList)));
  const auto p = in.saved.model->Predict(first);
  // The tokenizer Fit trains (the same call on the same rows; fine_tune.tokenizer_same in the
  // timed runs confirms it).
  const std::vector<std::string> fit_texts = Pick(f.texts, f.fit_rows);
  const Tokenizer trained = Tokenizer::Train(fit_texts, f.spec.settings.tokenizer);
  WriteText(ids + ".fit", Lines(EncodeLikeFinml(trained, fit_texts, max_length, nullptr)));
  WriteText(ids + ".held",
            Lines(EncodeLikeFinml(trained, Pick(f.texts, f.held_rows), max_length, nullptr)));
  const auto& s = f.spec.settings;
  const nlohmann::json meta = {
      {"shape", in.shape},
      {"model_classes", in.saved.classes.size()},
      {"sentences", in.texts.size()},
      {"truncated", cut},
      {"check", {{"sentences", first.size()}, {"probabilities", p.probabilities}}},
      {"train",
       {{"vocab", trained.VocabSize()},
        {"classes", kClasses},
        {"fit_labels", Pick(f.labels, f.fit_rows)},
        {"held_labels", Pick(f.labels, f.held_rows)},
        {"epochs", s.loop.epochs},
        {"batch", s.loop.batch},
        {"lr", s.loop.lr},
        {"weight_decay", s.loop.weight_decay},
        {"optimizer", s.loop.optimizer == finml::train::OptimizerKind::kAdamW ? "adamw" : "adam"},
        {"clip", s.loop.clip},
        {"schedule", s.loop.schedule == finml::train::ScheduleKind::kNone ? "none" : "other"},
        {"class_weights", s.network.class_weights},
        {"dropout", s.network.dropout},
        {"seed", s.seed}}}};
  WriteText(ids + ".json", meta.dump(1));
  return {{"ids", ids},
          {"truncated", cut},
          {"fit_rows", f.fit_rows.size()},
          {"held_rows", f.held_rows.size()},
          {"train_vocab", trained.VocabSize()}};
}

}  // namespace

void RunNlp(const NlpOptions& o) {
  // One intra-op thread on both sides; Predict does not set it, Fit sets settings.threads (1).
  finml::models::SetTorchThreads(1);
  at::set_num_threads(1);
  Loaded in{finml::nlp::SavedTextModel::Load(o.model), {}, {}};
  if (in.saved.kind != finml::nlp::TextModelKind::kTransformer)
    throw std::runtime_error(o.model + ": not a transformer model");
  in.shape = nlohmann::json::parse(ReadAll(o.model + "/network.json"))["shape"];
  in.texts = finml::nlp::LoadTexts(o.texts, "sentence", "").texts;
  if (in.texts.empty()) throw std::runtime_error(o.texts + ": no sentences");
  const bool fine_tune = o.epochs > 0 && o.train > 0;
  FineTuneSetup f;
  if (!o.ids.empty() && o.train == 0)
    throw std::runtime_error("--nlp_ids needs --nlp_train=N > 0 (the peer's training rows)");
  if (fine_tune || !o.ids.empty()) f = PrepareFineTune(in, o.train, o.epochs);

  nlohmann::json result = {{"about", "finml nlp transformer (SavedTextModel, one torch thread)"},
                           {"model", o.model},
                           {"texts", o.texts},
                           {"sentences", in.texts.size()},
                           {"shape", in.shape},
                           {"reps", o.reps}};
  if (!o.ids.empty()) {
    result["inputs"] = WriteInputs(in, f, o.ids);
  } else {
    double sink = 0;  // read at the end, so no prediction can be optimised away
    if (o.reps > 0) result.update(Inference(in, o.reps, sink));
    if (fine_tune) {
      const auto start = Clock::now();
      const Tokenizer trained =
          Tokenizer::Train(Pick(f.texts, f.fit_rows), f.spec.settings.tokenizer);
      const double tokenizer_seconds = Seconds(start);
      const std::filesystem::path scratch = std::filesystem::temp_directory_path() /
                                            ("finml_bench_nlp." + std::to_string(::getpid()));
      try {
        result["fine_tune"] = FineTune(f, trained, tokenizer_seconds, scratch);
      } catch (...) {
        std::filesystem::remove_all(scratch);
        throw;
      }
      std::filesystem::remove_all(scratch);
    }
    result["sink"] = sink;
  }
  result["torch_threads"] = at::get_num_threads();
  const std::string text = result.dump(2);
  if (o.out.empty()) {
    std::printf("%s\n", text.c_str());
  } else {
    WriteText(o.out, text + "\n");
  }
}

}  // namespace finml_bench
