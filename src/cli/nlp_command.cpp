#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/progress.hpp"
#include "finml/nlp/factor.hpp"
#include "finml/nlp/text.hpp"
#include "finml/nlp/word_vectors.hpp"
#include "finml/nlp/workflow.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {

void SetupNlp(CLI::App& app, NlpCommandOptions& o) {
  app.require_subcommand(1);
  auto* pretrain = app.add_subcommand(
      "pretrain",
      "train a tokenizer and a transformer encoder by masked-language modelling on "
      "unlabelled text (one text per line)");
  o.pretrain.Add(*pretrain, nlp::PretrainSettings::Schema(), {});
  o.pretrain.AddSet(*pretrain, "any setting as key=value");
  auto* train = app.add_subcommand(
      "train", "train a text classifier (cross-validated with --folds), with a report");
  o.train.Add(*train, nlp::NlpSettings::Schema(), {});
  o.train.AddSet(*train, "any setting as key=value, e.g. --set dropout=0.2");
  auto* predict =
      app.add_subcommand("predict", "label texts with a saved model: class and probabilities");
  predict->add_option("--model", o.model, "a model directory (finml nlp train's model/)")
      ->required();
  predict->add_option("--input", o.input, "CSV of texts")->required();
  predict->add_option("--text", o.text, "the column holding the text")->capture_default_str();
  predict->add_option("--label", o.label,
                      "a column of true classes: also report the accuracy and macro-F1");
  predict->add_option("--out", o.out_file, "CSV to write")->required();
  predict->add_option("--threads", o.threads, "torch threads")->capture_default_str();
  auto* factor = app.add_subcommand(
      "factor", "daily per-symbol sentiment scores from dated news, for finml backtest --signals");
  factor->add_option("--model", o.model, "a sentiment model directory")->required();
  factor->add_option("--news", o.input, "CSV of news: timestamp, symbol, text")->required();
  factor->add_option("--out", o.out_file, "signals CSV to write (date,symbol,score)")->required();
  factor->add_option("--threads", o.threads, "torch threads")->capture_default_str();
  o.factor.Add(*factor, nlp::FactorSettings::Schema(), {});
  auto* embed = app.add_subcommand(
      "embed", "fastText skip-gram word vectors from unlabelled text (one text per line)");
  embed->add_option("--corpus", o.input, "the text")->required();
  o.embed.Add(*embed, nlp::WordVectorSettings::Schema(), {});
  auto* neighbors =
      app.add_subcommand("neighbors", "the nearest words of a word, by its vector's cosine");
  neighbors->add_option("--model", o.model, "a directory from finml nlp embed")->required();
  neighbors->add_option("--word", o.words, "one or more words")->required();
  neighbors->add_option("-k", o.k, "neighbours per word")->capture_default_str();
  for (auto* sub : {pretrain, train, embed}) {
    sub->add_option("--out", o.out, "output directory")->required();
    AddOverwriteFlag(*sub, o.overwrite);
  }
}

int RunNlp(const NlpCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  const bool progress = Progress::TerminalAttached();
  if (app.got_subcommand("train")) {
    auto s = nlp::NlpSettings::Schema().Parse(o.train.Collect(ConfigNode::Map("finml nlp train")),
                                              "", {});
    FINML_REQUIRE(!s.data.empty(), "--data: give the CSV of labelled texts");
    s.data = run::ResolveDataPath(s.data, "");
    const nlp::Texts data = nlp::LoadTexts(s.data, s.text, s.label);
    Provenance provenance{command_line, {}, s.seed};
    provenance.Input(s.data);
    OutputDirectory out(o.out, o.overwrite);
    const auto lines = nlp::RunNlpTrain(s, data, out.staging(), provenance, progress);
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("wrote %s/{metrics.json,predictions.csv,report.html,%s%s}\n", o.out.c_str(),
                report::ChartLibraryName().c_str(),
                std::filesystem::exists(o.out + "/model") ? ",model/" : "");
    return 0;
  }
  if (app.got_subcommand("pretrain")) {
    auto s = nlp::PretrainSettings::Schema().Parse(
        o.pretrain.Collect(ConfigNode::Map("finml nlp pretrain")), "", {});
    FINML_REQUIRE(!s.corpus.empty(), "--corpus: give the text, one per line");
    s.corpus = run::ResolveDataPath(s.corpus, "");
    const auto corpus = nlp::LoadCorpus(s.corpus);
    Provenance provenance{command_line, {}, s.seed};
    provenance.Input(s.corpus);
    OutputDirectory out(o.out, o.overwrite);
    const auto lines = nlp::RunNlpPretrain(s, corpus, out.staging(), provenance, progress);
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("wrote %s/{tokenizer.model,encoder.pt,encoder.json,pretrain.json}\n",
                o.out.c_str());
    return 0;
  }
  if (app.got_subcommand("predict")) {
    const auto counts =
        nlp::PredictTextsToCsv(o.model, o.input, o.text, o.out_file, o.label, o.threads);
    std::printf("labelled %zu texts", counts.texts);
    if (counts.accuracy)
      std::printf(" (accuracy %.4f, macro-F1 %.4f against --label %s)", *counts.accuracy,
                  *counts.macro_f1, o.label.c_str());
    if (counts.truncated)
      std::printf(" (%zu longer than the model's max_length, truncated)", counts.truncated);
    std::printf("; wrote %s\n", o.out_file.c_str());
    return 0;
  }
  if (app.got_subcommand("factor")) {
    auto s = nlp::FactorSettings::Schema().Parse(
        o.factor.Collect(ConfigNode::Map("finml nlp factor")), "", {});
    if (!s.prices.empty()) s.prices = run::ResolveDataPath(s.prices, "");
    const auto c = nlp::BuildSentimentFactor(o.model, o.input, s, o.out_file, o.threads);
    std::printf(
        "scored %zu news items (%zu after the close, counted for the next session%s); %zu "
        "symbols over %zu sessions: wrote %zu rows to %s\n",
        c.news, c.after_close,
        c.truncated ? fmt::format("; {} truncated", c.truncated).c_str() : "", c.symbols,
        c.sessions, c.rows, o.out_file.c_str());
    if (s.prices.empty())
      std::printf(
          "the sessions are every Monday to Friday, holidays included: finml backtest --signals "
          "needs the price file's own (--prices)\n");
    if (c.after_last_session)
      std::printf("%zu news items come after the last session and are not scored\n",
                  c.after_last_session);
    return 0;
  }
  if (app.got_subcommand("embed")) {
    const auto s = nlp::WordVectorSettings::Schema().Parse(
        o.embed.Collect(ConfigNode::Map("finml nlp embed")), "", {});
    const auto corpus = nlp::LoadCorpus(run::ResolveDataPath(o.input, ""));
    const auto vectors = nlp::WordVectors::Train(corpus, s);
    OutputDirectory out(o.out, o.overwrite);
    vectors.Save(out.staging() + "/word_vectors.bin");
    Provenance provenance{command_line, {}, s.seed};
    provenance.Input(run::ResolveDataPath(o.input, ""));
    WriteFileAtomic(out.staging() + "/vectors.json",
                    nlohmann::json{{"format", "finml-word-vectors/1"},
                                   {"words", vectors.VocabularySize()},
                                   {"settings", nlp::WordVectorSettings::Schema().ToJson(s)},
                                   {"provenance", provenance.ToJson()}}
                        .dump(2));
    out.Commit();
    std::printf("%zu words, %d dimensions: wrote %s/{word_vectors.bin,vectors.json}\n",
                vectors.VocabularySize(), vectors.Dimension(), o.out.c_str());
    return 0;
  }
  const auto vectors = nlp::WordVectors::Load(o.model + "/word_vectors.bin");
  for (const auto& w : o.words) {
    std::printf("%s:", w.c_str());
    for (const auto& [word, score] : vectors.Nearest(w, o.k))
      std::printf(" %s (%.3f)", word.c_str(), score);
    std::printf("\n");
  }
  return 0;
}

}  // namespace finml::cli
