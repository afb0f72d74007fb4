#!/usr/bin/env bash
# `finml run EXP --print-config > c.yaml && finml run c.yaml` gives the same results as
# `finml run EXP`: the printed configuration is the whole experiment.
# Usage: print_config_roundtrip.sh FINML EXPERIMENT OUT_DIR FILE... (FILEs compared, relative to
# the run directory) [-- SET...] (--set overrides for both runs)
set -euo pipefail
finml=$1 experiment=$2 out=$3; shift 3
files=() sets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do files+=("$1"); shift; done
[ $# -gt 0 ] && shift && sets=("$@")
rm -rf "$out" && mkdir -p "$out"
"$finml" run "$experiment" "${sets[@]}" --print-config > "$out/printed.yaml"
"$finml" run "$experiment" "${sets[@]}" --out "$out/original" > /dev/null 2>&1
"$finml" run "$out/printed.yaml" --out "$out/printed" > /dev/null 2>&1
status=0
for f in "${files[@]}"; do
  if ! cmp -s "$out/original/$f" "$out/printed/$f"; then
    echo "FAIL: $f differs between the experiment and its printed configuration"; status=1
  fi
done
[ $status = 0 ] && echo "same ${files[*]} from $experiment and its --print-config"
exit $status
