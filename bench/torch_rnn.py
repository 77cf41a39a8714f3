"""The reference training task in PyTorch on the CPU, for `npm run bench:train`.

Same data (sum of sines plus noise, 1024 windows of 20 steps, 1 feature), RNN(32) -> Linear(1),
batch 32 shuffled, Adam, MSE; one warm-up epoch, then the median of N timed epochs.
Prints one JSON line per model. --threads sets torch's intra-op threads (default 1). Run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse
import json
import math
import random
import statistics
import time

import torch
from torch import nn

WINDOWS, STEPS, UNITS, BATCH = 1024, 20, 32, 32
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "simpleRNN": nn.RNN}


def make_data():
    rng = random.Random(12345)
    total = WINDOWS + STEPS
    series = [math.sin(i / 8) + 0.5 * math.sin(i / 3.1) + 0.1 * (rng.random() - 0.5) for i in range(total)]
    xs = torch.tensor([[[series[w + s]] for s in range(STEPS)] for w in range(WINDOWS)], dtype=torch.float32)
    ys = torch.tensor([[series[w + STEPS]] for w in range(WINDOWS)], dtype=torch.float32)
    return xs, ys


class Net(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.rnn = CELLS[kind](input_size=1, hidden_size=UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, 1)

    def forward(self, x):
        seq, _ = self.rnn(x)
        return self.out(seq[:, -1, :])


def epoch(net, opt, loss_fn, xs, ys):
    perm = torch.randperm(WINDOWS)
    start = time.perf_counter()
    for i in range(0, WINDOWS, BATCH):
        idx = perm[i : i + BATCH]
        opt.zero_grad()
        loss = loss_fn(net(xs[idx]), ys[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - start, loss.item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="lstm,gru,simpleRNN")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xs, ys = make_data()
    for kind in args.models.split(","):
        net = Net(kind)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = nn.MSELoss()
        epoch(net, opt, loss_fn, xs, ys)  # warm-up
        times, loss = [], None
        for _ in range(args.epochs):
            t, loss = epoch(net, opt, loss_fn, xs, ys)
            times.append(t)
        print(json.dumps({
            "model": kind,
            "backend": "torch-cpu",
            "secPerEpoch": round(statistics.median(times), 4),
            "finalLoss": loss,
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
