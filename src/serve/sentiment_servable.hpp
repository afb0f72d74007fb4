// A saved text classifier (finml-nlp/1, the model/ folder of `finml nlp train`) behind
// POST /v1/models/<name>/predict. A request is {"texts": ["...", ...], "top_tokens": 5}; each
// answer holds the label, every class's probability, whether the text was truncated, and the
// words that drove the label most (occlusion, as in the training report).
#pragma once

#include <memory>
#include <string>

#include "finml/serve/servable.hpp"

namespace finml::serve {

[[nodiscard]] std::shared_ptr<const Servable> LoadSentimentServable(const std::string& dir,
                                                                    const std::string& name,
                                                                    const ServeLimits& limits);

}  // namespace finml::serve
