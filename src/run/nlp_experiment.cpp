#include "finml/run/nlp_experiment.hpp"

#include <cstdio>
#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/nlp/text.hpp"
#include "finml/nlp/workflow.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

const options::Schema<NlpFactorSection>& NlpFactorSection::Schema() {
  static const auto schema = [] {
    using F = NlpFactorSection;
    options::Schema<F> s;
    s.Add("news", &F::news, "CSV of dated news: timestamp, symbol, text").Required();
    s.Embed(&F::factor, nlp::FactorSettings::Schema());
    return s;
  }();
  return schema;
}

const options::Schema<NlpExperiment>& NlpExperiment::Schema() {
  static const auto schema = [] {
    using X = NlpExperiment;
    options::Schema<X> s;
    s.Add("task", &X::task, "nlp").Names(options::OneOf({"nlp"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Add("pretrain", &X::pretrain,
          "masked-language-model pretraining on a corpus; the transformer starts from it");
    s.Add("nlp", &X::nlp, "the text classifier: data, columns, model and its settings").Required();
    s.Add("factor", &X::factor, "a daily sentiment factor from dated news, by the trained model");
    s.Rule(
        "nlp", [](const X& x) { return !x.nlp.data.empty(); }, "needs 'data': the labelled CSV");
    s.Rule(
        "pretrain", [](const X& x) { return !x.pretrain || !x.pretrain->corpus.empty(); },
        "needs 'corpus': unlabelled text, one per line");
    s.Rule(
        "pretrain",
        [](const X& x) { return !x.pretrain || x.nlp.model == nlp::TextModelKind::kTransformer; },
        "pretrains a transformer: set nlp.model to transformer");
    s.Rule(
        "factor", [](const X& x) { return !x.factor || x.nlp.folds == 0 || x.nlp.final_fit; },
        "needs the saved model: set nlp.final_fit to true");
    return s;
  }();
  return schema;
}

options::Json NlpExperiment::ToJson() const { return Schema().ToJson(*this); }

NlpExperiment ParseNlpExperiment(const ConfigNode& root, const std::string& file) {
  NlpExperiment x = NlpExperiment::Schema().Parse(root, "");
  x.source = file;
  x.nlp.data = ResolveDataPath(x.nlp.data, file);
  if (!x.nlp.pretrained.empty()) x.nlp.pretrained = ResolveDataPath(x.nlp.pretrained, file);
  if (x.pretrain) x.pretrain->corpus = ResolveDataPath(x.pretrain->corpus, file);
  if (x.factor) {
    x.factor->news = ResolveDataPath(x.factor->news, file);
    if (!x.factor->factor.prices.empty())
      x.factor->factor.prices = ResolveDataPath(x.factor->factor.prices, file);
  }
  return x;
}

std::string RunNlpExperiment(const NlpExperiment& x, const std::string& out_dir,
                             const std::string& command_line, bool overwrite, bool progress) {
  OutputDirectory out(out_dir.empty() ? DefaultRunDirectory() : out_dir, overwrite);
  Provenance provenance{command_line, {}, x.nlp.seed};
  provenance.Input(x.nlp.data);
  std::vector<std::string> lines;
  nlp::NlpSettings settings = x.nlp;
  if (x.pretrain) {
    provenance.Input(x.pretrain->corpus);
    const std::string dir = out.staging() + "/pretrained";
    EnsureDirectory(dir);
    for (auto& l : nlp::RunNlpPretrain(*x.pretrain, nlp::LoadCorpus(x.pretrain->corpus), dir,
                                       provenance, progress))
      lines.push_back(std::move(l));
    settings.pretrained = dir;
  }
  const nlp::Texts data = nlp::LoadTexts(settings.data, settings.text, settings.label);
  for (auto& l : nlp::RunNlpTrain(settings, data, out.staging(), provenance, progress))
    lines.push_back(std::move(l));
  if (x.pretrain) {
    // The records name the pretrained encoder where it will be, not in the staging directory.
    for (const std::string file : {"/metrics.json", "/model/model.json"}) {
      const std::string path = out.staging() + file;
      if (!std::filesystem::exists(path)) continue;
      std::string text = ReadFile(path);
      for (auto at = text.find(out.staging()); at != std::string::npos;
           at = text.find(out.staging(), at + out.path().size()))
        text.replace(at, out.staging().size(), out.path());
      WriteFileAtomic(path, text);
    }
  }
  if (x.factor) {
    provenance.Input(x.factor->news);
    const auto c =
        nlp::BuildSentimentFactor(out.staging() + "/model", x.factor->news, x.factor->factor,
                                  out.staging() + "/signals.csv", static_cast<int>(x.nlp.threads));
    lines.push_back(
        fmt::format("sentiment factor: {} news items, {} symbols, {} rows in "
                    "signals.csv",
                    c.news, c.symbols, c.rows));
  }
  return CommitRun(out, provenance, x.source, x.ToJson(), lines);
}

}  // namespace finml::run
