#include "finml/train/loop_options.hpp"

#include "finml/core/error.hpp"

namespace finml::train {

LoopOptions ReadLoopOptions(ParamReader& p, LoopOptions l, const std::string& who) {
  l.epochs = p.Get<std::int64_t>("epochs", l.epochs);
  l.batch = p.Get<std::int64_t>("batch", l.batch);
  l.lr = p.Get<double>("lr", l.lr);
  const std::string optimizer = p.Get<std::string>("optimizer", EnumName(l.optimizer));
  const std::string schedule = p.Get<std::string>("schedule", EnumName(l.schedule));
  try {
    l.optimizer = ParseEnum<OptimizerKind>(optimizer);
    l.schedule = ParseEnum<ScheduleKind>(schedule);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", who, e.what()));
  }
  l.weight_decay = p.Get<double>(
      "weight_decay", l.optimizer == OptimizerKind::kAdamW && l.weight_decay == 0 ? 0.01
                                                                                  : l.weight_decay);
  l.step_size = p.Get<std::int64_t>("step_size", l.step_size);
  l.gamma = p.Get<double>("gamma", l.gamma);
  l.clip = p.Get<double>("clip", l.clip);
  l.patience = p.Get<std::int64_t>("patience", l.patience);
  l.min_delta = p.Get<double>("min_delta", l.min_delta);
  FINML_REQUIRE(l.epochs >= 1 && l.batch >= 1, "{}: epochs and batch must be >= 1", who);
  FINML_REQUIRE(l.lr > 0, "{}: lr must be > 0", who);
  FINML_REQUIRE(l.weight_decay >= 0, "{}: weight_decay must be >= 0", who);
  FINML_REQUIRE(l.patience >= 1, "{}: patience must be >= 1", who);
  FINML_REQUIRE(l.step_size >= 1, "{}: step_size must be >= 1", who);
  FINML_REQUIRE(l.clip >= 0 && l.min_delta >= 0, "{}: clip and min_delta must be >= 0", who);
  return l;
}

}  // namespace finml::train
