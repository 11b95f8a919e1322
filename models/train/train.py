#!/usr/bin/python3
"""Train leakgate's candidate classifier and export it to ONNX.

`npm run train` (= /usr/bin/python3 models/train/train.py) does the whole pipeline:
  1. generate the data set with the TypeScript generator (features come from
     src/detect/model/features.ts, the serving code, so there is no train/serve skew);
  2. train a small character CNN with a numeric-features branch (CPU, fixed seed);
  3. pick thresholds on the validation split, report per-class metrics on the test split;
  4. export ONNX (opset 17, dynamic batch) + metadata JSON + model card + data card.

Options: --seed N, --epochs N, --regen (re-run the generator), --threads N, --n N (synthetic examples).
Only Debian's python3-torch / python3-onnx / numpy are used.
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from cards import write_cards  # noqa: E402

CLASSES = ["genuine", "placeholder", "benign"]
MODEL_PATH = os.path.join(ROOT, "models", "leakgate-classifier.onnx")
META_PATH = os.path.join(ROOT, "models", "leakgate-classifier.json")
DATA_DIR = os.path.join(ROOT, "models", "data", "out")


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--n", type=int, default=60000)
    p.add_argument("--real", type=int, default=8000)
    p.add_argument("--regen", action="store_true")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--max-train", type=int, default=30000, help="cap on training examples (CPU budget)")
    return p.parse_args()


def generate(args):
    cmd = ["node", "--import", "tsx", os.path.join(ROOT, "models", "data", "generate.ts"),
           "--seed", str(args.seed), "--n", str(args.n), "--real", str(args.real), "--out", DATA_DIR]
    print("generating:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def load(path):
    rows = {"train": [], "val": [], "test": []}
    with open(path) as fh:
        for line in fh:
            d = json.loads(line)
            rows[d["split"]].append(d)
    out = {}
    for split, rs in rows.items():
        out[split] = {
            "v": torch.tensor([r["v"] for r in rs], dtype=torch.long),
            "c": torch.tensor([r["c"] for r in rs], dtype=torch.long),
            "f": torch.tensor([r["f"] for r in rs], dtype=torch.float32),
            "y": torch.tensor([CLASSES.index(r["label"]) for r in rs], dtype=torch.long),
            "meta": [{k: r[k] for k in ("family", "group", "source", "type", "kind", "strong", "finder", "rulesClass")} for r in rs],
        }
    return out


class Net(nn.Module):
    """Byte-level CNN: a value branch, a context branch (global and near-the-value pooling) and a
    numeric-features branch, fused by a small MLP into three logits; softmax in the graph."""

    def __init__(self, num_features, left_len, emb=16, ch=32):
        super().__init__()
        self.left_len = left_len
        self.emb = nn.Embedding(258, emb, padding_idx=0)
        self.v1 = nn.Conv1d(emb, ch, 3, padding=1)
        self.v2 = nn.Conv1d(ch, ch, 3, padding=1)
        self.c1 = nn.Conv1d(emb, ch, 5, padding=2)
        self.c2 = nn.Conv1d(ch, ch, 3, padding=1)
        self.fm = nn.Sequential(nn.Linear(num_features, 32), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(ch * 3 + 32, 96), nn.ReLU(), nn.Dropout(0.2), nn.Linear(96, 3))

    def logits(self, value, context, feats):
        # Ids arrive as int32 (cheap to build in JS); the embedding wants int64.
        value = value.long()
        context = context.long()
        v = self.emb(value).transpose(1, 2)
        v = F.relu(self.v2(F.relu(self.v1(v))))
        v = torch.amax(v, dim=2)
        c = self.emb(context).transpose(1, 2)
        # Pool by 2 after the first convolution: halves the second layer's cost, widens its view.
        c = F.max_pool1d(F.relu(self.c1(c)), 2)
        c = F.relu(self.c2(c))
        cg = torch.amax(c, dim=2)
        # The key name and separator sit just left of the value: pool that stretch on its own.
        m = self.left_len // 2
        cl = torch.amax(c[:, :, m - 16:m + 4], dim=2)
        return self.head(torch.cat([v, cg, cl, self.fm(feats)], dim=1))

    def forward(self, value, context, feats):
        return F.softmax(self.logits(value, context, feats), dim=1)


def predict(model, d, bs=1024):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(d["y"]), bs):
            out.append(model(d["v"][i:i + bs], d["c"][i:i + bs], d["f"][i:i + bs]))
    return torch.cat(out).numpy() if out else np.zeros((0, 3), dtype=np.float32)


def decide(probs, t_genuine):
    """Genuine when p(genuine) >= t_genuine, else the likelier of placeholder/benign."""
    rest = np.where(probs[:, 1] >= probs[:, 2], 1, 2)
    return np.where(probs[:, 0] >= t_genuine, 0, rest)


def per_class(y, pred):
    res = {}
    for k, name in enumerate(CLASSES):
        tp = int(((pred == k) & (y == k)).sum())
        fp = int(((pred == k) & (y != k)).sum())
        fn = int(((pred != k) & (y == k)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        res[name] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "support": int((y == k).sum())}
    res["macro_f1"] = round(sum(res[c]["f1"] for c in CLASSES) / 3, 4)
    res["accuracy"] = round(float((pred == y).mean()) if len(y) else 0.0, 4)
    return res


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    ds_path = os.path.join(DATA_DIR, "dataset.jsonl")
    if args.regen or not os.path.exists(ds_path):
        generate(args)
    t_gen = time.time() - t0
    data = load(ds_path)
    stats = json.load(open(os.path.join(DATA_DIR, "stats.json")))
    fmeta = json.loads(subprocess.run(
        ["node", "--import", "tsx", "-e",
         "import('./src/detect/model/features.ts').then(m=>console.log(JSON.stringify({version:m.FEATURE_VERSION,valueLen:m.VALUE_LEN,"
         "leftLen:m.LEFT_LEN,rightLen:m.RIGHT_LEN,contextLen:m.CONTEXT_LEN,names:m.FEATURE_NAMES})))"],
        check=True, cwd=ROOT, capture_output=True, text=True).stdout)
    nf = len(fmeta["names"])
    tr, va, te = data["train"], data["val"], data["test"]
    if len(tr["y"]) > args.max_train:
        keep = torch.randperm(len(tr["y"]), generator=torch.Generator().manual_seed(args.seed))[:args.max_train]
        tr = {k: (v[keep] if torch.is_tensor(v) else [v[i] for i in keep.tolist()]) for k, v in tr.items()}
    print(f"train {len(tr['y'])} val {len(va['y'])} test {len(te['y'])} features {nf}", flush=True)
    assert tr["f"].shape[1] == nf and tr["c"].shape[1] == fmeta["contextLen"] and tr["v"].shape[1] == fmeta["valueLen"]

    model = Net(nf, fmeta["leftLen"])
    counts = torch.bincount(tr["y"], minlength=3).float()
    weights = (counts.sum() / (3 * counts.clamp(min=1)))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = args.epochs * math.ceil(len(tr["y"]) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.15)
    g = torch.Generator().manual_seed(args.seed)
    best = (-1.0, None, -1)
    t_train0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(tr["y"]), generator=g)
        total = 0.0
        for i in range(0, len(perm), args.batch):
            idx = perm[i:i + args.batch]
            logits = model.logits(tr["v"][idx], tr["c"][idx], tr["f"][idx])
            loss = F.cross_entropy(logits, tr["y"][idx], weight=weights, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            if (i // args.batch) % 40 == 0:
                print(f"  step {i // args.batch} loss {float(loss):.4f} ({time.time() - t_train0:.0f}s)", flush=True)
        vm = per_class(va["y"].numpy(), predict(model, va).argmax(1))
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / len(perm):.4f} val macro-F1 {vm['macro_f1']:.4f} "
              f"({time.time() - t_train0:.0f}s)", flush=True)
        if vm["macro_f1"] > best[0]:
            best = (vm["macro_f1"], {k: v.clone() for k, v in model.state_dict().items()}, epoch + 1)
    train_seconds = time.time() - t_train0
    model.load_state_dict(best[1])
    model.eval()

    # Threshold for genuine picked on validation (maximise genuine F1, ties to the higher threshold:
    # a false genuine costs a redaction, a missed one leaks).
    pv = predict(model, va)
    yv = va["y"].numpy()
    best_t, best_f1 = 0.5, -1.0
    for t in np.arange(0.2, 0.91, 0.02):
        f1 = per_class(yv, decide(pv, t))["genuine"]["f1"]
        if f1 >= best_f1:
            best_t, best_f1 = float(round(t, 2)), f1
    pt = predict(model, te)
    yt = te["y"].numpy()
    test_pred = decide(pt, best_t)
    metrics = {"val": per_class(yv, decide(pv, best_t)), "test": per_class(yt, test_pred), "test_argmax": per_class(yt, pt.argmax(1))}
    # Per group / source on test, for the card.
    by = {}
    for key in ("group", "source"):
        vals = sorted(set(m[key] for m in te["meta"]))
        by[key] = {}
        for val in vals:
            mask = np.array([m[key] == val for m in te["meta"]])
            by[key][val] = per_class(yt[mask], test_pred[mask])
    metrics["test_by"] = by
    # Rules-only baseline on the same test examples where the engine produced the finding.
    mask = np.array([m["rulesClass"] is not None for m in te["meta"]])
    if mask.any():
        rules_pred = np.array([CLASSES.index(m["rulesClass"]) for m, k in zip(te["meta"], mask) if k])
        metrics["test_engine_rules_only"] = per_class(yt[mask], rules_pred)
        metrics["test_engine_model"] = per_class(yt[mask], test_pred[mask])
    print("test:", json.dumps(metrics["test"]), flush=True)

    export(model, nf, fmeta)
    sha = hashlib.sha256(open(MODEL_PATH, "rb").read()).hexdigest()
    version = f"lgc-{time.strftime('%Y%m%d', time.gmtime())}-{sha[:8]}"
    meta = {
        "version": version,
        "sha256": sha,
        "bytes": os.path.getsize(MODEL_PATH),
        "classes": CLASSES,
        "features": {"version": fmeta["version"], "valueLen": fmeta["valueLen"], "contextLen": fmeta["contextLen"],
                     "leftLen": fmeta["leftLen"], "rightLen": fmeta["rightLen"], "names": fmeta["names"]},
        "inputs": {"value": "int32[N,valueLen]", "context": "int32[N,contextLen]", "feats": "float32[N,numFeatures]"},
        "outputs": {"probs": "float32[N,3] softmax over classes"},
        "thresholds": {
            "genuine": best_t,
            "placeholder": 0.5,
            "benign": 0.5,
            "strongDemotePlaceholder": 0.9,  # bench/model: +0.011 macro-F1 on the own split, peer bench unchanged
            "packs": {},
        },
        "metrics": metrics,
        "training": {"seed": args.seed, "epochs": args.epochs, "best_epoch": best[2], "threads": args.threads,
                     "train_seconds": round(train_seconds, 1), "generate_seconds": round(t_gen, 1),
                     "examples": {k: int(len(data[k]["y"])) for k in data}, "torch": torch.__version__,
                     "params": int(sum(p.numel() for p in model.parameters()))},
        "data": {"counts": stats["counts"], "by_split": stats["by_split"]},
    }
    with open(META_PATH, "w") as fh:
        json.dump(meta, fh, indent=2)
        fh.write("\n")
    write_cards(ROOT, meta, stats)
    print(f"wrote {MODEL_PATH} ({meta['bytes']} bytes, {version}); total {time.time() - t0:.0f}s", flush=True)


def export(model, nf, fmeta):
    import onnx
    n = 2
    dummy = (torch.zeros(n, fmeta["valueLen"], dtype=torch.int32), torch.zeros(n, fmeta["contextLen"], dtype=torch.int32),
             torch.zeros(n, nf, dtype=torch.float32))
    torch.onnx.export(model, dummy, MODEL_PATH, opset_version=17, input_names=["value", "context", "feats"],
                      output_names=["probs"], dynamic_axes={"value": {0: "batch"}, "context": {0: "batch"},
                                                            "feats": {0: "batch"}, "probs": {0: "batch"}},
                      do_constant_folding=True)
    m = onnx.load(MODEL_PATH)
    onnx.checker.check_model(m)


if __name__ == "__main__":
    main()
