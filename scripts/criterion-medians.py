#!/usr/bin/env python3
"""Print the medians of the last criterion run as Markdown tables.

Usage: cargo bench -p agilis-suites && python3 scripts/criterion-medians.py [target/criterion]

Criterion stores each benchmark's estimates in
target/criterion/<group>/<function>/new/estimates.json (times in ns); this
reads the median of each, groups rows by benchmark group, and prints one table
per kind (kem, sig, aead, kdf) with throughput for the AEAD rows.
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


rows = []
for est in sorted(root.glob("**/new/estimates.json")):
    bench = json.loads((est.parent / "benchmark.json").read_text())
    median = json.loads(est.read_text())["median"]["point_estimate"]
    rows.append((bench["full_id"], median))

by_kind = {}
for full_id, median in rows:
    by_kind.setdefault(full_id.split("/")[0], []).append((full_id, median))

for kind, items in by_kind.items():
    print(f"\n### {kind}\n")
    if kind == "aead":
        print("| benchmark | median | Gb/s |\n|---|---|---|")
        for full_id, median in items:
            size = int(full_id.split("/")[3])
            print(f"| `{full_id}` | {fmt_time(median)} | {size * 8 / median:.2f} |")
    else:
        print("| benchmark | median |\n|---|---|")
        for full_id, median in items:
            print(f"| `{full_id}` | {fmt_time(median)} |")

# Dispatch overhead: each `.../agilis` row beside the same operation on the
# underlying crate (`.../direct*` ids, same prefix) from the same run.
medians = dict(rows)
compare = []
for full_id, median in rows:
    prefix, _, impl = full_id.rpartition("/")
    if impl not in ("agilis", "agilis-portable"):
        continue
    for other, other_median in rows:
        o_prefix, _, o_impl = other.rpartition("/")
        # `-prepared` rows hold key objects made outside the timing: context, not the same work.
        if o_prefix != prefix or not o_impl.startswith("direct") or o_impl.endswith("-prepared"):
            continue
        if impl == "agilis-portable" and o_impl != "direct-rustcrypto":
            continue
        if impl == "agilis" and o_impl == "direct-rustcrypto" and any(
            r[0] == f"{prefix}/direct-aws-lc" for r in rows
        ):
            continue
        compare.append((prefix, impl, o_impl, median, other_median))
if compare:
    print("\n### agilis beside the underlying crate (same run)\n")
    print("| operation | agilis | median | crate | median | difference |\n|---|---|---|---|---|---|")
    for prefix, impl, o_impl, m, o in compare:
        print(f"| `{prefix}` | {impl} | {fmt_time(m)} | {o_impl} | {fmt_time(o)} | {100 * (m - o) / o:+.1f}% |")
