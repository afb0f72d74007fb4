#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each, two at a time, starting from the
# committed corpus (tests/fuzz/corpus/<target>); new interesting inputs go to BUILD_DIR/corpus, crash
# inputs to tests/fuzz/crashes/<target>/. Prints one line per target and fails if any crashed.
# Usage: bash tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS
set -uo pipefail
build_dir=$1; seconds=$2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
run_one() {
  local name=$1
  mkdir -p "$build_dir/corpus/$name" "$here/crashes/$name"
  "$build_dir/fuzz_$name" "$build_dir/corpus/$name" "$here/corpus/$name" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$here/crashes/$name/" \
    > "$build_dir/fuzz_$name.log" 2>&1
  local rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build_dir/fuzz_$name.log")
  echo "fuzz_$name: exit $rc, ${execs:-?} inputs in ${seconds}s, corpus $(ls "$build_dir/corpus/$name" | wc -l) new, crashes $(ls "$here/crashes/$name" | wc -l)"
  return $rc
}
names=()
for f in "$here"/fuzz_*.cpp; do n=$(basename "$f" .cpp); names+=("${n#fuzz_}"); done
for ((i = 0; i < ${#names[@]}; i += 2)); do
  run_one "${names[$i]}" & a=$!
  b=""
  if (( i + 1 < ${#names[@]} )); then run_one "${names[$((i + 1))]}" & b=$!; fi
  wait $a || status=1
  [[ -n "$b" ]] && { wait "$b" || status=1; }
done
rmdir "$here"/crashes/* 2>/dev/null
exit $status
