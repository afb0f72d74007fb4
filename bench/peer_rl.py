"""The peer of issue 17's reinforcement-learning benchmark (bench/rl_bench.sh): the portfolio
environment of `finml rl train` written with numpy, vectorised over N copies, and a CleanRL-style
PPO (the shape of cleanrl/ppo_continuous_action.py) in PyTorch with finml's hyperparameters.

Usage:
  peer_rl.py env CSV TRANSITIONS REPS OUT        environment steps/s, random logits, 8 and 64 copies
  peer_rl.py ppo CSV TIMESTEPS OUT               PPO training, timed end to end in this process
  peer_rl.py check CSV DIR OUT                   replays finml_bench --rl_check=DIR's traces

The environment (finml's src/rl/environment.cpp with backtest::Book, default settings):
- state at bar t: per asset the last 20 log returns (bars t-19..t, NaN -> 0), standardised with
  the mean and 1/std of the training bars [first_row, train_last] (float32), then the current
  weights (shares x last close / equity) and the cash weight 1 - sum;
- action: n+1 logits -> softmax (float64) -> the first n are the target weights (the last slot is
  cash); zero for assets without a price at t;
- the target decided at the close of t is filled at the close of t+1: shares = w x NAV / price,
  NAV valued at the fill prices, 5 bps commission on the traded value, initial capital 1e6;
  equity marked at t+1's close; reward 100 log(equity_{t+1} / equity_t);
- episodes of 252 bars from a uniformly random start in [first_row, train_last - 252]; a copy
  whose episode ends is reset at once and reports the new episode's first observation.
The data has no missing prices; the masks that would handle them are kept (they cost one
multiply), as are the Book's skip of orders below 1e-12 of NAV and its ruin rule.
"""

import json
import math
import os
import platform
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402

WINDOW = 20
EPISODE = 252
COST = 5e-4
CAPITAL = 1e6
REWARD_SCALE = 100.0


def load_prices(path):
    """The wide CSV (a date column, then one close column per symbol) as float64, time-major."""
    import pandas as pd
    frame = pd.read_csv(path)
    return frame.iloc[:, 1:].to_numpy(dtype=np.float64)


class Market:
    """What finml's PrepareMarket, ResolveSplit and StateScaler::Fit compute, once."""

    def __init__(self, close):
        rows, n = close.shape
        self.rows, self.n = rows, n
        self.close = close
        self.listed = ~np.isnan(close)
        prev, cur = close[:-1], close[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where((prev > 0) & (cur > 0), np.log(cur / prev), 0.0)
        returns = np.vstack([np.zeros((1, n)), r])
        self.first_row = WINDOW
        # Row t: asset-major blocks of returns t-19..t.
        from numpy.lib.stride_tricks import sliding_window_view
        win = sliding_window_view(returns, WINDOW, axis=0)  # (rows-19, n, 20): rows t-19..t
        state = np.zeros((rows, n * WINDOW), dtype=np.float32)
        state[WINDOW - 1:] = win.reshape(rows - WINDOW + 1, n * WINDOW).astype(np.float32)
        state[:self.first_row] = 0
        self.state = state
        last = rows - 1
        self.train_last = int(0.6 * last)
        seg = state[self.first_row:self.train_last + 1].astype(np.float64)
        mean = seg.mean(0)
        var = np.maximum(0.0, (seg * seg).mean(0) - mean * mean)
        self.mean = mean.astype(np.float32)
        self.scale = np.where(var > 1e-16, 1.0 / np.sqrt(np.where(var > 0, var, 1)),
                              1.0).astype(np.float32)
        self.scaled = (state - self.mean) * self.scale  # float32, computed once
        # The Book's marks: the last close seen (0 before an asset lists; it then holds nothing).
        marks = close.copy()
        for t in range(1, rows):
            gap = np.isnan(marks[t])
            marks[t, gap] = marks[t - 1, gap]
        self.marks = np.nan_to_num(marks, nan=0.0)
        self.fill = np.where(self.listed, close, 1.0)  # a price to divide by; masked where unlisted
        self.obs_size = n * WINDOW + n + 1
        self.action_size = n + 1


class VecPortfolioEnv:
    """N copies of the portfolio environment stepped together with numpy."""

    def __init__(self, market, copies, seed, first=None, last=None):
        self.m = market
        self.N = copies
        self.first = market.first_row if first is None else first
        self.last = market.train_last if last is None else last
        self.rng = np.random.default_rng(seed)
        self.row = np.zeros(copies, dtype=np.int64)
        self.end = np.zeros(copies, dtype=np.int64)
        self.shares = np.zeros((copies, market.n))
        self.cash = np.zeros(copies)
        self.equity = np.zeros(copies)
        self.forced_starts = None  # check mode: the episode starts finml drew
        self.auto_reset = True  # check mode: off for the whole-range run, as finml's recording

    def _start(self, mask):
        k = int(mask.sum())
        if self.forced_starts:
            starts = np.array([self.forced_starts.pop(0) for _ in range(k)], dtype=np.int64)
        else:
            starts = self.rng.integers(self.first, self.last - EPISODE, size=k, endpoint=True)
        self.row[mask] = starts
        self.end[mask] = starts + EPISODE
        self.shares[mask] = 0.0
        self.cash[mask] = CAPITAL
        self.equity[mask] = CAPITAL

    def _observe(self):
        m = self.m
        marks = m.marks[self.row]
        eq = self.equity[:, None]
        w = np.where((self.shares != 0) & (eq > 0), self.shares * marks / np.where(eq > 0, eq, 1),
                     0.0)
        obs = np.empty((self.N, m.obs_size), dtype=np.float32)
        obs[:, :m.n * WINDOW] = m.scaled[self.row]
        obs[:, m.n * WINDOW:-1] = w
        obs[:, -1] = 1.0 - w.sum(1)
        return obs

    def reset(self):
        self._start(np.ones(self.N, dtype=bool))
        return self._observe()

    def step(self, actions):
        m = self.m
        t = self.row
        a = np.asarray(actions, dtype=np.float32)
        e = np.exp((a - a.max(1, keepdims=True)).astype(np.float64))
        w = e[:, :m.n] / e.sum(1, keepdims=True)
        w *= m.listed[t]
        t1 = t + 1
        marks = m.marks[t1]
        nav = self.cash + (self.shares * marks).sum(1)
        px = m.fill[t1]
        navc = nav[:, None]
        q = np.where(navc > 0, w * navc / px, 0.0) - self.shares
        value = np.abs(q) * px
        q = np.where(m.listed[t1] & (value > 1e-12 * np.abs(navc)), q, 0.0)
        value = np.abs(q) * px
        self.cash -= (q * px).sum(1) + COST * value.sum(1)
        self.shares += q
        equity = self.cash + (self.shares * marks).sum(1)
        ruined = ~(equity > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            growth = np.where(ruined, math.log(1e-6), np.log(equity / self.equity))
        reward = (REWARD_SCALE * growth).astype(np.float32)
        self.equity = equity
        self.row = t1
        done = (t1 >= self.end) | ruined
        if self.auto_reset and done.any():
            self._start(done)
        return self._observe(), reward, done


def blas_libraries():
    """The BLAS/LAPACK shared objects this process loaded (torch's, when torch is imported)."""
    libs = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                base = os.path.basename(path)
                if (("blas" in base or "lapack" in base) and path.startswith("/")
                        and path not in libs):
                    libs.append(os.path.realpath(path))
    except OSError:
        pass
    return sorted(set(libs))


def run_env(csv, transitions, reps, out):
    market = Market(load_prices(csv))
    result = {"about": f"numpy {np.__version__}, Python {platform.python_version()}",
              "cases": {}}
    for copies in (8, 64):
        env = VecPortfolioEnv(market, copies, seed=7)
        env.reset()
        rng = np.random.default_rng(20261217 + copies)
        ring = rng.standard_normal((64, copies, market.action_size)).astype(np.float32)
        k = 0
        for _ in range(200):
            env.step(ring[k % 64])
            k += 1
        steps = max(1, transitions // copies)
        seconds, rates = [], []
        for r in range(reps):
            start = time.perf_counter()
            for _ in range(steps):
                env.step(ring[k % 64])
                k += 1
            s = time.perf_counter() - start
            seconds.append(s)
            rates.append(steps * copies / s)
            print(f"numpy env {copies} copies rep {r + 1}: {steps * copies / s:.0f} transitions/s",
                  file=sys.stderr)
        result["cases"][f"env_{copies}"] = {"copies": copies, "steps": steps,
                                            "transitions": steps * copies, "seconds": seconds,
                                            "rates": rates}
    with open(out, "w") as f:
        json.dump(result, f, indent=2)


# ---------------------------------------------------------------------------------------------
# PPO, after cleanrl/ppo_continuous_action.py, with finml's settings: no observation or reward
# normalisation wrappers (finml's state is standardised by the scaler, its reward is not
# normalised), no learning-rate annealing, no value-loss clipping, Adam's default eps (finml's
# torch::optim::Adam), log std initialised at -0.5, advantages normalised per minibatch, gradient
# norm clipped at 0.5, and as many iterations as finml runs (ceil(timesteps / batch)).

def run_ppo(csv, timesteps, out):
    import torch
    import torch.nn as nn
    import torch.optim as optim
    from torch.distributions.normal import Normal
    t_import = time.perf_counter()

    seed, num_envs, num_steps = 42, 8, 128
    learning_rate, gamma, gae_lambda = 3e-4, 0.99, 0.95
    num_minibatches, update_epochs = 4, 10
    clip_coef, ent_coef, vf_coef, max_grad_norm = 0.2, 0.0, 0.5, 0.5
    batch_size = num_envs * num_steps
    minibatch_size = batch_size // num_minibatches
    num_iterations = -(-timesteps // batch_size)

    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)

    market = Market(load_prices(csv))
    envs = VecPortfolioEnv(market, num_envs, seed=seed)
    obs_dim, act_dim = market.obs_size, market.action_size

    def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
        torch.nn.init.orthogonal_(layer.weight, std)
        torch.nn.init.constant_(layer.bias, bias_const)
        return layer

    class Agent(nn.Module):
        def __init__(self):
            super().__init__()
            self.critic = nn.Sequential(
                layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
                layer_init(nn.Linear(64, 64)), nn.Tanh(),
                layer_init(nn.Linear(64, 1), std=1.0))
            self.actor_mean = nn.Sequential(
                layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
                layer_init(nn.Linear(64, 64)), nn.Tanh(),
                layer_init(nn.Linear(64, act_dim), std=0.01))
            self.actor_logstd = nn.Parameter(torch.full((1, act_dim), -0.5))

        def get_value(self, x):
            return self.critic(x)

        def get_action_and_value(self, x, action=None):
            action_mean = self.actor_mean(x)
            action_logstd = self.actor_logstd.expand_as(action_mean)
            action_std = torch.exp(action_logstd)
            probs = Normal(action_mean, action_std)
            if action is None:
                action = probs.sample()
            return action, probs.log_prob(action).sum(1), probs.entropy().sum(1), self.critic(x)

    agent = Agent()
    optimizer = optim.Adam(agent.parameters(), lr=learning_rate)

    obs = torch.zeros((num_steps, num_envs, obs_dim))
    actions = torch.zeros((num_steps, num_envs, act_dim))
    logprobs = torch.zeros((num_steps, num_envs))
    rewards = torch.zeros((num_steps, num_envs))
    dones = torch.zeros((num_steps, num_envs))
    values = torch.zeros((num_steps, num_envs))

    t_setup = time.perf_counter()
    global_step = 0
    next_obs = torch.Tensor(envs.reset())
    next_done = torch.zeros(num_envs)
    episode_returns, running = [], np.zeros(num_envs)
    for iteration in range(1, num_iterations + 1):
        for step in range(0, num_steps):
            global_step += num_envs
            obs[step] = next_obs
            dones[step] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
                values[step] = value.flatten()
            actions[step] = action
            logprobs[step] = logprob
            next_obs_np, reward, next_done_np = envs.step(action.cpu().numpy())
            running += reward
            for i in np.nonzero(next_done_np)[0]:
                episode_returns.append(float(running[i]))
                running[i] = 0
            rewards[step] = torch.tensor(reward).view(-1)
            next_obs = torch.Tensor(next_obs_np)
            next_done = torch.Tensor(next_done_np.astype(np.float32))

        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards)
            lastgaelam = 0
            for t in reversed(range(num_steps)):
                if t == num_steps - 1:
                    nextnonterminal = 1.0 - next_done
                    nextvalues = next_value
                else:
                    nextnonterminal = 1.0 - dones[t + 1]
                    nextvalues = values[t + 1]
                delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
                advantages[t] = lastgaelam = (delta + gamma * gae_lambda * nextnonterminal
                                              * lastgaelam)
            returns = advantages + values

        b_obs = obs.reshape((-1, obs_dim))
        b_logprobs = logprobs.reshape(-1)
        b_actions = actions.reshape((-1, act_dim))
        b_advantages = advantages.reshape(-1)
        b_returns = returns.reshape(-1)

        b_inds = np.arange(batch_size)
        clipfracs = []
        for epoch in range(update_epochs):
            np.random.shuffle(b_inds)
            for start in range(0, batch_size, minibatch_size):
                end = start + minibatch_size
                mb_inds = b_inds[start:end]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(
                    b_obs[mb_inds], b_actions[mb_inds])
                logratio = newlogprob - b_logprobs[mb_inds]
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs += [((ratio - 1.0).abs() > clip_coef).float().mean().item()]
                mb_advantages = b_advantages[mb_inds]
                mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std()
                                                                          + 1e-8)
                pg_loss1 = -mb_advantages * ratio
                pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
                pg_loss = torch.max(pg_loss1, pg_loss2).mean()
                newvalue = newvalue.view(-1)
                v_loss = 0.5 * ((newvalue - b_returns[mb_inds]) ** 2).mean()
                entropy_loss = entropy.mean()
                loss = pg_loss - ent_coef * entropy_loss + v_loss * vf_coef
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
                optimizer.step()
        del approx_kl
    t_end = time.perf_counter()
    result = {
        "about": (f"PyTorch {torch.__version__} (Debian python3-torch), numpy {np.__version__}, "
                  f"Python {platform.python_version()}, torch threads {torch.get_num_threads()}"),
        "blas": blas_libraries(),
        "timesteps": global_step, "iterations": num_iterations,
        "import_seconds": t_import - T_START,
        "setup_seconds": t_setup - t_import,
        "train_seconds": t_end - t_setup,
        "in_process_seconds": t_end - T_START,
        "last_episode_returns": episode_returns[-num_envs:],
    }
    print(f"PyTorch PPO: {global_step} transitions, training {t_end - t_setup:.2f} s, "
          f"{t_end - T_START:.2f} s in process", file=sys.stderr)
    with open(out, "w") as f:
        json.dump(result, f, indent=2)


def run_check(csv, dir_, out):
    """Replays finml's traces (its actions, and its episode starts) in the numpy environment."""
    market = Market(load_prices(csv))
    with open(os.path.join(dir_, "rl_check.json")) as f:
        meta = json.load(f)
    assert meta["obs_size"] == market.obs_size, (meta["obs_size"], market.obs_size)
    assert meta["train_last"] == market.train_last, (meta["train_last"], market.train_last)
    report = {"cases": {}}

    def read(name, kind, dtype):
        return np.fromfile(os.path.join(dir_, f"check_{name}_{kind}"), dtype=dtype)

    for case in meta["cases"]:
        name, steps = case["name"], case["steps"]
        acts = read(name, "actions.f32", np.float32).reshape(steps, -1)
        f_obs = read(name, "obs.f32", np.float32).reshape(steps + 1, -1)
        f_rew = read(name, "rewards.f32", np.float32)
        f_rows = read(name, "rows.f64", np.float64).astype(np.int64)
        f_done = read(name, "dones.f64", np.float64) > 0
        if case["from_start"]:
            env = VecPortfolioEnv(market, 1, seed=0, first=market.first_row,
                                  last=market.train_last)
            env.row[:] = market.first_row
            env.end[:] = market.train_last
            env.cash[:] = env.equity[:] = CAPITAL
            env.auto_reset = False
            o = env._observe()
        else:
            # finml's episode starts: the rows before each first step and after each done.
            starts = [int(f_rows[0])] + [int(f_rows[i + 1]) for i in range(steps - 1)
                                         if f_done[i]]
            env = VecPortfolioEnv(market, 1, seed=0)
            env.forced_starts = starts
            o = env.reset()
        p_obs, p_rew, p_done, p_eq, rows = [o[0]], [], [], [CAPITAL], []
        for i in range(steps):
            rows.append(int(env.row[0]))
            o, r, d = env.step(acts[i:i + 1])
            p_eq.append(float(env.equity[0]))
            p_obs.append(o[0])
            p_rew.append(float(r[0]))
            p_done.append(bool(d[0]))
            if case["from_start"] and d[0]:
                break
        p_obs = np.array(p_obs)
        p_rew = np.array(p_rew)
        c = {"steps": steps,
             "rows_equal": rows == f_rows.tolist(),
             "dones_equal": p_done == f_done.tolist(),
             "max_abs_reward_diff": float(np.abs(p_rew - f_rew).max()),
             "max_abs_obs_diff": float(np.abs(p_obs - f_obs).max()),
             "episodes": int(f_done.sum())}
        if case["from_start"]:
            f_eq = read(name, "equity.f64", np.float64)
            p_eq = np.array(p_eq)
            c["final_equity_finml"] = float(f_eq[-1])
            c["final_equity_numpy"] = float(p_eq[-1])
            c["max_rel_equity_diff"] = float(np.max(np.abs(p_eq - f_eq) / f_eq))
        report["cases"][name] = c
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2), file=sys.stderr)


def main():
    mode = sys.argv[1]
    if mode == "env":
        run_env(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif mode == "ppo":
        run_ppo(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif mode == "check":
        run_check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
