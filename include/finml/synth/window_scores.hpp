// TimeGAN's two post-hoc scores (Yoon, Jarrett and van der Schaar 2019), on windows of a series:
//   discriminative  a GRU classifier learns to tell real windows from synthetic ones on 80% of
//                   each and is tested on the rest: |accuracy - 0.5| (0: indistinguishable)
//   predictive      a GRU trained on synthetic windows to predict the next step (with several
//                   features: the last feature from the others, as TimeGAN; with one: the next
//                   value from the past ones), its mean absolute error on the real windows
//                   ("train on synthetic, test on real"); the same model trained on real windows
//                   gives the floor
// Windows are min-max scaled by the real data's range, as TimeGAN scales its inputs. The networks
// live in the torch module.
#pragma once

#include <cstdint>
#include <vector>

#include "finml/core/options.hpp"
#include "finml/synth/stylized_facts.hpp"

namespace finml::synth {

struct Windows {
  std::size_t length = 0, features = 0;
  std::vector<float> values;  // count x length x features, row-major
  [[nodiscard]] std::size_t count() const {
    return length > 0 && features > 0 ? values.size() / (length * features) : 0;
  }
};

struct ScoreSettings {
  bool enabled = true;
  std::size_t window = 24;         // days per window
  std::int64_t iterations = 2000;  // training steps of the discriminative GRU (batch 128)
  std::int64_t predictive_iterations = 5000;  // and of the predictive one (TimeGAN's counts)
  std::size_t max_windows = 4000;             // windows per side (evenly spaced) bound the time
  std::uint64_t seed = 42;
  static const options::Schema<ScoreSettings>& Schema();
};

struct WindowScores {
  double discriminative = 0, predictive = 0, predictive_real = 0;
};

// Overlapping windows of each path, min-max scaled by [lo, hi], at most `max_windows` of them
// (evenly spaced).
[[nodiscard]] Windows SlidingWindows(const Paths& paths, std::size_t length, double lo, double hi,
                                     std::size_t max_windows);
// Both scores (libfinml_torch.so).
// `floor`: also train on real windows (predictive_real; NaN without): it depends on the real
// windows only, so one computation serves every generator.
[[nodiscard]] WindowScores ScoreWindows(const Windows& real, const Windows& synthetic,
                                        const ScoreSettings& settings, bool floor = true);

}  // namespace finml::synth

extern "C" {
void finml_torch_window_scores(const finml::synth::Windows& real,
                               const finml::synth::Windows& synthetic,
                               const finml::synth::ScoreSettings& settings, bool floor,
                               finml::synth::WindowScores& out);
}
