"""The QuantGAN speed peer (issue 19): finml's QuantGAN generator and critic written in PyTorch
(src/synth/deep/quantgan.cpp's architecture: seven temporal blocks of a kernel-2 convolution with
dilation 2^b and a 1x1 convolution, PReLU after each, a residual and a skip per block, 1x1 head;
receptive field 128), trained by the same WGAN-GP step (critic_steps critic updates on real
windows, interpolates and gradient penalty 10, then one generator update; Adam betas 0 and 0.9).

Usage: /usr/bin/python3 peer_quantgan.py RETURNS_JSON OUT_JSON [--hidden H] [--steps N]
RETURNS_JSON: {"returns": [...normalised returns...]}; timing only, the data's values do not
matter beyond their count. Prints and writes seconds per generator step and log returns generated
per second, on one thread.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
RF = 128


class Block(nn.Module):
    def __init__(self, i, h, d):
        super().__init__()
        self.d = d
        self.dilated = nn.Conv1d(i, h, 2, dilation=d)
        self.pointwise = nn.Conv1d(h, h, 1)
        self.a1, self.a2 = nn.PReLU(), nn.PReLU()
        self.residual = nn.Conv1d(i, h, 1) if i != h else None

    def forward(self, x):
        h = self.a2(self.pointwise(self.a1(self.dilated(x))))
        kept = x[:, :, self.d:]
        if self.residual is not None:
            kept = self.residual(kept)
        return h + kept, h


class Tcn(nn.Module):
    def __init__(self, i, h, o):
        super().__init__()
        self.blocks = nn.ModuleList([Block(i if b == 0 else h, h, 1 << b) for b in range(7)])
        self.head = nn.Conv1d(h, o, 1)

    def forward(self, x):
        out_len = x.shape[2] - (RF - 1)
        skips = None
        for block in self.blocks:
            x, skip = block(x)
            skip = skip[:, :, skip.shape[2] - out_len:]
            skips = skip if skips is None else skips + skip
        return self.head(skips)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("returns")
    p.add_argument("out")
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--critic_steps", type=int, default=5)
    p.add_argument("--window", type=int, default=128)
    p.add_argument("--stride", type=int, default=4)
    p.add_argument("--sample_paths", type=int, default=64)
    p.add_argument("--sample_length", type=int, default=4096)
    a = p.parse_args()
    torch.manual_seed(42)
    r = torch.tensor(json.load(open(a.returns))["returns"], dtype=torch.float32)
    starts = torch.arange(0, len(r) - a.window + 1, a.stride)
    windows = r[starts.unsqueeze(1) + torch.arange(a.window).unsqueeze(0)].unsqueeze(1)
    g, c = Tcn(3, a.hidden, 1), Tcn(1, a.hidden, 1)
    g_opt = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.0, 0.9))
    c_opt = torch.optim.Adam(c.parameters(), lr=1e-4, betas=(0.0, 0.9))

    def noise(b):
        return torch.randn(b, 3, a.window + RF - 1)

    def step():
        for _ in range(a.critic_steps):
            real = windows[torch.randint(0, len(windows), (a.batch,))]
            with torch.no_grad():
                fake = g(noise(a.batch))
            mix = torch.rand(a.batch, 1, 1)
            between = (mix * real + (1 - mix) * fake).requires_grad_(True)
            score = c(between).mean(dim=(1, 2))
            grad = torch.autograd.grad(score.sum(), between, create_graph=True)[0]
            penalty = (grad.flatten(1).norm(2, dim=1) - 1).pow(2).mean()
            distance = c(real).mean() - c(fake).mean()
            loss = -distance + 10 * penalty
            c_opt.zero_grad()
            loss.backward()
            c_opt.step()
            distance.item()
        g_opt.zero_grad()
        loss = -c(g(noise(a.batch))).mean()
        loss.backward()
        g_opt.step()
        loss.item()

    step()  # warm-up
    t = time.perf_counter()
    for _ in range(a.steps):
        step()
    step_seconds = (time.perf_counter() - t) / a.steps
    g.eval()
    with torch.no_grad():
        g(torch.randn(16, 3, a.sample_length + RF - 1))  # warm-up
        t = time.perf_counter()
        for first in range(0, a.sample_paths, 16):
            z = torch.randn(min(16, a.sample_paths - first), 3, a.sample_length + RF - 1)
            g(z).squeeze(1).double().tolist()
        sample_seconds = time.perf_counter() - t
    out = {"hidden": a.hidden, "step_seconds": step_seconds,
           "samples_per_second": a.sample_paths * a.sample_length / sample_seconds,
           "torch": torch.__version__, "threads": torch.get_num_threads()}
    json.dump(out, open(a.out, "w"), indent=1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
