#include "finml/synth/window_scores.hpp"

#include <algorithm>

#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"
#include "finml/synth/panel.hpp"

namespace finml::synth {

const options::Schema<ScoreSettings>& ScoreSettings::Schema() {
  static const auto schema = [] {
    using S = ScoreSettings;
    options::Schema<S> s;
    s.Add("scores", &S::enabled, "TimeGAN's discriminative and predictive scores (post-hoc GRUs)");
    s.Add("score_window", &S::window, "days per window of those scores").Min(3).Max(1000);
    s.Add("score_iterations", &S::iterations,
          "training steps of the discriminative score's GRU (batch 128)")
        .Min(1)
        .Max(1000000);
    s.Add("predictive_iterations", &S::predictive_iterations,
          "training steps of the predictive score's GRU (batch 128)")
        .Min(1)
        .Max(1000000);
    s.Add("score_windows", &S::max_windows, "windows per side for those scores (evenly spaced)")
        .Min(10)
        .Max(1000000);
    s.Add("score_seed", &S::seed, "seed of the post-hoc GRUs and their split");
    return s;
  }();
  return schema;
}

Windows SlidingWindows(const Paths& paths, std::size_t length, double lo, double hi,
                       std::size_t max_windows) {
  Panel panel;
  panel.columns = {"value"};
  panel.paths = paths;
  return PanelWindows(panel, length, PanelRange{{lo}, {hi}}, max_windows);
}

WindowScores ScoreWindows(const Windows& real, const Windows& synthetic,
                          const ScoreSettings& settings, bool floor) {
  FINML_REQUIRE(real.count() >= 10 && synthetic.count() >= 10,
                "the window scores need at least 10 windows of each side ({} real, {} synthetic)",
                real.count(), synthetic.count());
  FINML_REQUIRE(real.length == synthetic.length && real.features == synthetic.features,
                "real and synthetic windows differ in shape");
  WindowScores out;
  FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_window_scores)
  (real, synthetic, settings, floor, out);
  return out;
}

}  // namespace finml::synth
