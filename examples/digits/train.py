"""Train a small convolutional network on scikit-learn's bundled 8x8 digits with PyTorch.

Run by pipelines/digits-gpu.yaml on a `gpu` runner: gitops-ml picks a free GPU, sets
CUDA_VISIBLE_DEVICES to its UUID, samples its utilisation and power while this runs, and
records the cost. `--device cpu` runs the same code without a GPU (for a smoke test).
"""

import argparse
import json
import os
import time

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    return p.parse_args()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.head(self.features(x))


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    args = parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("CUDA is not available here: run this stage on a GPU runner, or pass --device cpu")
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    if device.type == "cuda":
        print(f"device: {torch.cuda.get_device_name(0)} (CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '')})", flush=True)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=args.seed, stratify=y)
    x_train, y_train = torch.from_numpy(x_train).to(device), torch.from_numpy(y_train).to(device)
    x_test, y_test = torch.from_numpy(x_test).to(device), torch.from_numpy(y_test).to(device)

    model = Net().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), device=device)
        total = 0.0
        for i in range(0, len(order), args.batch_size):
            batch = order[i : i + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch:3d}  loss {total / len(x_train):.4f}", flush=True)

    model.eval()
    with torch.no_grad():
        predicted = model(x_test).argmax(dim=1).cpu().numpy()
    actual = y_test.cpu().numpy()
    confusion = np.zeros((10, 10), dtype=int)
    for a, p in zip(actual, predicted):
        confusion[a, p] += 1
    f1 = []
    for k in range(10):
        tp = confusion[k, k]
        fp = confusion[:, k].sum() - tp
        fn = confusion[k, :].sum() - tp
        f1.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    metrics = {
        "accuracy": round(float((predicted == actual).mean()), 4),
        "macro_f1": round(float(np.mean(f1)), 4),
        "train_seconds": round(time.time() - started, 2),
        "device": args.device,
    }
    os.makedirs("models/digits", exist_ok=True)
    torch.save(model.state_dict(), "models/digits/model.pt.tmp")
    os.replace("models/digits/model.pt.tmp", "models/digits/model.pt")
    write_atomic("metrics/digits.json", json.dumps(metrics, indent=2) + "\n")
    rows = ["actual,predicted,count"] + [f"{a},{p},{confusion[a, p]}" for a in range(10) for p in range(10)]
    write_atomic("plots/digits/confusion.csv", "\n".join(rows) + "\n")
    print(f"accuracy {metrics['accuracy']}, macro-F1 {metrics['macro_f1']}", flush=True)


if __name__ == "__main__":
    main()
