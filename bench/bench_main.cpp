// finml_bench [--generate=DIR | --data_dir=DIR] [google benchmark flags]
//   --generate=DIR  write the input CSVs into DIR and exit (bench/run_all.sh hands DIR to the
//                   peers too, so all sides time the same bytes)
//   --data_dir=DIR  benchmark on the CSVs already in DIR
// With neither, the inputs go to a fresh temporary directory that is removed afterwards.
// finml_bench --deep_generate=DIR | --deep_run=DIR [--deep_only=CASE]
//             | --deep_step=DIR [--deep_trace=FILE] [--deep_impl=fused|torch]
//   the deep-forecaster comparison with bench/peer_torch.py; see bench_deep.hpp
// finml_bench --credit_run=DIR   the credit-scoring comparison with bench/peer_credit.py
// finml_bench --serve_floor=DIR  in-process prediction time under `finml serve`; see
// bench_serve.hpp
// finml_bench --portfolio_generate=DIR | --portfolio_run=DIR [--portfolio_reps=R]
//             [--portfolio_out=FILE] [--portfolio_only=CASE]
//   the portfolio-optimisation comparison with bench/peer_cvxopt.py; see bench_portfolio.hpp
// finml_bench --rl_run=CSV [--rl_out=FILE] [--rl_transitions=T] [--rl_reps=R] [--rl_learn=N]
//             [--rl_check=DIR]
//   the reinforcement-learning comparison with bench/peer_rl.py; see bench_rl.hpp
// finml_bench --nlp_run=MODEL_DIR --nlp_texts=CSV [--nlp_out=FILE] [--nlp_reps=R] [--nlp_train=N]
//             [--nlp_epochs=E] [--nlp_ids=FILE]
//   the financial-NLP comparison with bench/peer_nlp.py; see bench_nlp.hpp
// finml_bench --synth_run=PRICES_CSV [--synth_out=FILE] [--synth_hidden=H] [--synth_returns=F]
//   the QuantGAN comparison with bench/peer_quantgan.py; see bench_synth.hpp
// finml_bench --anomaly_generate=DIR [--anomaly_rows=N] | --anomaly_run=DIR [--anomaly_out=FILE]
//             [--anomaly_reps=R] [--anomaly_subset=M]
//   the anomaly-detection comparison with bench/peer_anomaly.py; see bench_anomaly.hpp
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench_anomaly.hpp"
#include "bench_credit.hpp"
#include "bench_deep.hpp"
#include "bench_inputs.hpp"
#include "bench_nlp.hpp"
#include "bench_portfolio.hpp"
#include "bench_rl.hpp"
#include "bench_serve.hpp"
#include "bench_synth.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::string credit_run, serve_floor;
  std::string portfolio_generate, portfolio_run, portfolio_out, portfolio_only;
  int portfolio_reps = 3;
  finml_bench::RlOptions rl;
  finml_bench::NlpOptions nlp;
  finml_bench::SynthOptions synth;
  finml_bench::AnomalyOptions anomaly;
  std::string generate_dir, data_dir, deep_generate, deep_run, deep_step, deep_trace, deep_only,
      deep_impl = "fused";
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--generate=")) {
      generate_dir = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--data_dir=")) {
      data_dir = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--deep_generate=")) {
      deep_generate = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--credit_run=")) {
      credit_run = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--portfolio_generate=")) {
      portfolio_generate = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--portfolio_run=")) {
      portfolio_run = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--portfolio_out=")) {
      portfolio_out = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--portfolio_only=")) {
      portfolio_only = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--portfolio_reps=")) {
      portfolio_reps = std::stoi(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--rl_run=")) {
      rl.csv = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--rl_out=")) {
      rl.out = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--rl_check=")) {
      rl.check = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--rl_transitions=")) {
      rl.transitions = std::stoul(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--rl_reps=")) {
      rl.reps = std::stoi(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--rl_learn=")) {
      rl.learn = std::stoul(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--anomaly_generate=")) {
      anomaly.generate = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--anomaly_run=")) {
      anomaly.run = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--anomaly_out=")) {
      anomaly.out = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--anomaly_rows=")) {
      anomaly.rows = std::stol(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--anomaly_subset=")) {
      anomaly.subset = std::stol(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--anomaly_reps=")) {
      anomaly.reps = std::stoi(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--synth_run=")) {
      synth.prices = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--synth_out=")) {
      synth.out = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--synth_returns=")) {
      synth.returns = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--synth_hidden=")) {
      synth.hidden = std::stol(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--nlp_run=")) {
      nlp.model = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--nlp_texts=")) {
      nlp.texts = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--nlp_out=")) {
      nlp.out = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--nlp_ids=")) {
      nlp.ids = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--nlp_reps=")) {
      nlp.reps = std::stoi(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--nlp_train=")) {
      nlp.train = std::stoul(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--nlp_epochs=")) {
      nlp.epochs = std::stoi(std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg.starts_with("--serve_floor=")) {
      serve_floor = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--deep_run=")) {
      deep_run = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--deep_step=")) {
      deep_step = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--deep_trace=")) {
      deep_trace = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--deep_only=")) {
      deep_only = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--deep_impl=")) {
      deep_impl = arg.substr(arg.find('=') + 1);
    } else {
      rest.push_back(argv[i]);
    }
  }
  try {
    if (!anomaly.generate.empty()) {
      finml_bench::WriteAnomalyInputs(anomaly);
      return 0;
    }
    if (!anomaly.run.empty()) {
      finml_bench::RunAnomaly(anomaly);
      return 0;
    }
    if (!credit_run.empty()) {
      finml_bench::RunCredit(credit_run);
      return 0;
    }
    if (!portfolio_generate.empty()) {
      finml_bench::WritePortfolioInputs(portfolio_generate);
      return 0;
    }
    if (!portfolio_run.empty()) {
      finml_bench::RunPortfolio(portfolio_run, portfolio_reps, portfolio_out, portfolio_only);
      return 0;
    }
    if (!rl.csv.empty()) {
      finml_bench::RunRl(rl);
      return 0;
    }
    if (!nlp.model.empty()) {
      if (nlp.texts.empty()) throw std::invalid_argument("--nlp_run needs --nlp_texts=CSV");
      finml_bench::RunNlp(nlp);
      return 0;
    }
    if (!synth.prices.empty()) {
      finml_bench::RunSynth(synth);
      return 0;
    }
    if (!serve_floor.empty()) {
      finml_bench::RunServeFloor(serve_floor);
      return 0;
    }
    if (!deep_generate.empty()) {
      finml_bench::WriteDeepInputs(deep_generate);
      return 0;
    }
    if (!deep_run.empty()) {
      finml_bench::RunDeep(deep_run, deep_only);
      return 0;
    }
    if (!deep_step.empty()) {
      finml_bench::RunDeepStep(deep_step, deep_trace, deep_impl);
      return 0;
    }
    if (!generate_dir.empty()) {
      finml_bench::WriteInputs(generate_dir);
      return 0;
    }
    fs::path owned_dir;
    if (data_dir.empty()) {
      owned_dir = fs::temp_directory_path() / ("finml_bench." + std::to_string(::getpid()));
      finml_bench::WriteInputs(owned_dir);
      data_dir = owned_dir.string();
    }
    finml_bench::SetDataDir(data_dir);
    int rest_argc = static_cast<int>(rest.size());
    benchmark::Initialize(&rest_argc, rest.data());
    if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (!owned_dir.empty()) fs::remove_all(owned_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finml_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
