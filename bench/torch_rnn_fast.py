"""PyTorch CPU side of `npm run bench:fast-rnn`: the recurrent reference task, same data recipe.

1024 windows x 20 steps x 1 feature of a noisy sum of sines, RNN(32) -> Linear(1), batch 32,
Adam(1e-3), MSE; one warm-up epoch, then the median seconds per epoch. Prints JSON with --json.
Note torch.nn.LSTM/GRU use sigmoid gates (tfjs defaults to hardSigmoid): same shapes and work.
"""
import argparse
import json
import math
import statistics
import time

import torch


def series(length, seed=42):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(length, dtype=torch.float32)
    noise = torch.randn(length, generator=g)
    return torch.sin(0.1 * t) + 0.5 * torch.sin(0.37 * t + 1) + 0.25 * torch.sin(0.05 * t) + 0.05 * noise


class Net(torch.nn.Module):
    def __init__(self, kind):
        super().__init__()
        cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "simpleRNN": torch.nn.RNN}[kind]
        self.rnn = cls(input_size=1, hidden_size=32, batch_first=True)
        self.head = torch.nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def bench(kind, epochs, windows=1024, steps=20, batch=32):
    torch.manual_seed(0)
    s = series(windows + steps)
    x = torch.stack([s[i:i + steps] for i in range(windows)]).unsqueeze(-1)
    y = s[steps:steps + windows].unsqueeze(-1)
    model = Net(kind)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    times = []
    cpu_times = []
    loss = math.nan
    for _ in range(epochs + 1):
        start = time.perf_counter()
        cpu_start = time.process_time()
        perm = torch.randperm(windows)
        for i in range(0, windows, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    timed = times[1:]
    return {
        "secondsPerEpoch": statistics.median(timed),
        # CPU time of this process (all its threads): less sensitive to other load than wall time
        "cpuSecondsPerEpoch": statistics.median(cpu_times[1:]),
        "epochs": timed,
        "warmup": times[0],
        "finalLoss": float(loss),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--json", action="store_true")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--models", default="lstm,gru,simpleRNN")
    a = p.parse_args()
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for kind in a.models.split(","):
        out[kind] = bench(kind, a.epochs)
    print(json.dumps(out, indent=2) if a.json else out)


if __name__ == "__main__":
    main()
