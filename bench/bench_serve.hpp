// The floor under the served latency: finml_bench --serve_floor=DIR loads the models in
// DIR/models the way `finml serve` does and times, in process and on one thread, what a request
// costs without HTTP: (a) the model's Predict on an already parsed request body (validation,
// feature pipeline, normalisation, network or scorecard) and (b) the same with the JSON parse of
// the body and the dump of the answer. Bodies: DIR/<model>.json. Writes DIR/floor.json.
#pragma once

#include <string>

namespace finml_bench {

void RunServeFloor(const std::string& dir);

}  // namespace finml_bench
