// The reinforcement-learning comparison with bench/peer_rl.py (issue 17), driven by
// bench/rl_bench.sh. Everything runs on the portfolio environment with the defaults of
// `finml rl train` (rl::EnvSettings{}: 20 log returns per asset standardised by a StateScaler
// fitted on the training bars, current weights and cash, softmax over n+1 logits, fills at the
// next close by backtest::Book at 5 bps, reward 100 log growth, episodes of 252 bars from random
// starts) over the training bars of the split `finml rl train` uses (the first 60%).
//   finml_bench --rl_run=CSV [--rl_out=FILE] [--rl_transitions=T] [--rl_reps=R]
//               [--rl_learn=N] [--rl_check=DIR]
//       MarketEnv::Step throughput with seeded random logits (splitmix64 noise, a ring of 64
//       steps generated before the clock starts) for 8 and 64 copies: R repetitions (default 3)
//       of about T transitions (copies x steps, default 200000) each, after 200 untimed steps;
//       T = 0 skips them.
//       With N > 0 it also times the PPO agent's Learn over N transitions in process (training
//       only: no data loading, validation, trading or baselines), with the hyperparameters and
//       seed `finml rl train --agent ppo --seeds 1` uses. Writes JSON to FILE (default stdout).
//       With DIR it writes the traces bench/peer_rl.py check replays (rl_check.json and
//       check_*.f32/.f64 there): copy 0 of a one-copy environment over the whole training range
//       with equal logits (cash and every asset 1/(n+1)), and a one-copy training environment
//       (random starts, auto-reset) for 700 steps with random logits.
#pragma once

#include <cstddef>
#include <string>

namespace finml_bench {

struct RlOptions {
  std::string csv;
  std::string out;    // empty: stdout
  std::string check;  // empty: no traces
  std::size_t transitions = 200000;
  int reps = 3;
  std::size_t learn = 0;
};

void RunRl(const RlOptions& options);

}  // namespace finml_bench
