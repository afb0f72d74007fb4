#include <cstdio>

#include "commands.hpp"
#include "finml/run/predict.hpp"

namespace finml::cli {

void SetupPredict(CLI::App& app, PredictCommandOptions& o) {
  app.add_option("--model", o.model_dir, "saved model directory (runs/<id>/models/<name>)")
      ->required();
  app.add_option("--input", o.input, "prices CSV in the shape the model was trained on")
      ->required();
  app.add_option("--out", o.out, "predictions CSV to write")->required();
}

int RunPredict(const PredictCommandOptions& o) {
  std::size_t n = run::PredictToCsv({o.model_dir, o.input, o.out});
  std::printf("wrote %s (%zu predictions)\n", o.out.c_str(), n);
  return 0;
}

}  // namespace finml::cli
