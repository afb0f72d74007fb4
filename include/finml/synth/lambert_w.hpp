// Goerg's heavy-tailed Lambert W x Gaussian transform, the preprocessing of Quant GANs: a
// standardised heavy-tailed series y is the image u * exp(delta u^2 / 2) of a lighter-tailed u.
// The generator learns u (closer to Gaussian, easier to fit); samples go back through the forward
// transform. delta is estimated by Goerg's IGMM: iterate (standardise, choose delta so that the
// back-transformed data has kurtosis 3, back-transform) until the location and scale settle.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace finml::synth {

// The principal branch W0(x), x >= 0 (Halley's iteration).
[[nodiscard]] double LambertW0(double x);

struct LambertW {
  double mu = 0, sigma = 1, delta = 0;  // y = mu + sigma * z,  z = u * exp(delta u^2 / 2)

  // IGMM on `y`; delta in [0, 1].
  [[nodiscard]] static LambertW Fit(const std::vector<double>& y);
  // y -> u (lighter tails, unit scale).
  [[nodiscard]] double Gaussianize(double y) const;
  // u -> y.
  [[nodiscard]] double HeavyTail(double u) const;

  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] static LambertW FromJson(const nlohmann::json& j, const std::string& where);
};

}  // namespace finml::synth
