#include "finml/train/loop_options.hpp"

namespace finml::train {

const options::Schema<LoopOptions>& LoopOptions::Schema() {
  static const auto schema = [] {
    using O = LoopOptions;
    options::Schema<O> s;
    s.Add("epochs", &O::epochs, "most epochs (early stopping may end sooner)").Min(1).Max(1e7);
    s.Add("batch", &O::batch, "samples per gradient step").Min(1).Max(1e8);
    s.Add("lr", &O::lr, "learning rate").Above(0).Max(10);
    s.Add("optimizer", &O::optimizer, "adam or adamw");
    s.Add("weight_decay", &O::weight_decay, "L2 penalty (adamw: decoupled; default 0.01 there)")
        .Min(0);
    s.Add("schedule", &O::schedule, "learning-rate schedule: none, cosine or step");
    s.Add("step_size", &O::step_size, "step schedule: epochs per decay").Min(1);
    s.Add("gamma", &O::gamma, "step schedule: decay factor").Above(0).Max(1);
    s.Add("clip", &O::clip, "largest gradient norm (0: no clipping)").Min(0);
    s.Add("patience", &O::patience, "epochs without a better validation loss before stopping")
        .Min(1);
    s.Add("min_delta", &O::min_delta, "how much better the validation loss must get").Min(0);
    s.Add("weight_average", &O::weight_average,
          "decay of a moving average of the weights after each step, which validation, early "
          "stopping and the kept model use (0: off; 0.99 to 0.999 typical)")
        .Min(0)
        .Below(1);
    s.Finish([](O& o, const ConfigNode& given, const std::string&) {
      if (o.optimizer == OptimizerKind::kAdamW && !given.Has("weight_decay") && o.weight_decay == 0)
        o.weight_decay = 0.01;
    });
    return s;
  }();
  return schema;
}

}  // namespace finml::train
