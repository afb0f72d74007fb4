#!/usr/bin/env bash
# QuantGAN speed against the same generator and critic in PyTorch from Python (issue 19), one
# torch thread each, in one run. Writes bench/synth_results.json and prints the ratios.
# Usage: bash bench/synth_bench.sh [BUILD_DIR]   (builds finml_bench there first)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
prices="$here/../data/aer_djia8012.csv"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flock /tmp/finml-build.lock cmake --build "$build" --target finml_bench -j2 >/dev/null
results=()
for hidden in 32 80; do
  "$build/finml_bench" --synth_run="$prices" --synth_hidden=$hidden --synth_out="$tmp/finml_$hidden.json" \
    --synth_returns="$tmp/returns.json"
  /usr/bin/python3 "$here/peer_quantgan.py" "$tmp/returns.json" "$tmp/peer_$hidden.json" --hidden $hidden \
    --steps 10 >/dev/null
  results+=("$tmp/finml_$hidden.json" "$tmp/peer_$hidden.json")
done
/usr/bin/python3 - "$here/synth_results.json" "${results[@]}" <<'PY'
import json, sys, platform
out, files = sys.argv[1], sys.argv[2:]
rows = []
for f, p in zip(files[::2], files[1::2]):
    a, b = json.load(open(f)), json.load(open(p))
    rows.append({"hidden": a["hidden"], "finml_step_s": a["step_seconds"], "pytorch_step_s": b["step_seconds"],
                 "step_ratio": b["step_seconds"] / a["step_seconds"],
                 "finml_samples_per_s": a["samples_per_second"], "pytorch_samples_per_s": b["samples_per_second"],
                 "sampling_ratio": a["samples_per_second"] / b["samples_per_second"], "pytorch": b["torch"]})
json.dump({"machine": platform.processor() or platform.machine(), "rows": rows}, open(out, "w"), indent=1)
print("| hidden | finml s/step | PyTorch s/step | ratio | finml returns/s | PyTorch returns/s | ratio |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['hidden']} | {r['finml_step_s']:.3f} | {r['pytorch_step_s']:.3f} | {r['step_ratio']:.2f}x | "
          f"{r['finml_samples_per_s']:,.0f} | {r['pytorch_samples_per_s']:,.0f} | {r['sampling_ratio']:.2f}x |")
PY
