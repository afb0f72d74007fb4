// A saved forecaster (finml-model/1) behind POST /v1/models/<name>/predict. A request is one
// instance or {"instances": [...]}; an instance is
//   {"bars": [{"date": "2012-12-28", "close": 13096.3, ...}, ...]}   oldest first, or
//   {"prices": [13096.3, ...], "dates": [...]}                       models needing only a price
// with exactly the bar fields the model's features need (GET /v1/models/<name> lists them and
// the fewest bars), and "decisions": "latest" (default) or "all" at the top level.
#pragma once

#include <memory>
#include <string>

#include "finml/run/predict.hpp"
#include "finml/serve/servable.hpp"

namespace finml::serve {

[[nodiscard]] std::shared_ptr<const Servable> LoadForecastServable(const std::string& dir,
                                                                   const std::string& name,
                                                                   const ServeLimits& limits);

}  // namespace finml::serve
