#!/usr/bin/env bash
# The fuzz corpus's malformed inputs (tests/fuzz/corpus) through the finml binary, as a user would
# meet them: every one exits 0 or with finml's error code 2 (never a crash or a backtrace), a
# refused one names the file it refused, leaves no output behind, and the process stays under
# 1 GB of memory.
# Usage: malformed_corpus.sh FINML SCRATCH_DIR
set -u
finml=$1; scratch=$2
corpus=tests/fuzz/corpus; models=tests/fuzz/models
rm -rf "$scratch"; mkdir -p "$scratch"
tried=0; failures=0; refused=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# check NAME EXPECT_NAME OUTPUT -- COMMAND...: runs it, judges exit code, message, output, memory.
check() {
  local name=$1 must_name=$2 output=$3; shift 4
  tried=$((tried + 1))
  /usr/bin/time -f "%M" -o "$scratch/rss" "$@" > "$scratch/out.txt" 2> "$scratch/err.txt"
  local rc=$? rss
  rss=$(tail -n 1 "$scratch/rss")
  case $rc in
    0) ;;
    2) refused=$((refused + 1))
       grep -q -- "$must_name" "$scratch/err.txt" || fail "$name: the message does not name $must_name: $(head -c 300 "$scratch/err.txt")"
       [ -e "$output" ] && fail "$name: refused, but $output was written" ;;
    *) fail "$name: exit $rc: $(head -c 300 "$scratch/err.txt")" ;;
  esac
  [ "${rss:-0}" -lt 1048576 ] 2>/dev/null || fail "$name: ${rss} KB of memory"
  rm -f "$output"
}

for input in "$corpus"/credit_model/*; do
  name=$(basename "$input"); dir="$scratch/credit_$name"
  cp -r "$models/credit" "$dir"
  if [[ $name == state_* ]]; then file=state.json; else file=model.json; fi
  tail -c +2 "$input" > "$dir/$file"
  check "credit $name" "$file" "$scratch/scores.csv" -- \
    "$finml" credit score --model "$dir" --input "$models/applicants.csv" --out "$scratch/scores.csv"
done
for input in "$corpus"/forecaster_model/*; do
  name=$(basename "$input"); dir="$scratch/ar_$name"
  cp -r "$models/ar" "$dir"
  cp "$input" "$dir/model.json"
  check "forecaster $name" "model.json" "$scratch/pred.csv" -- \
    "$finml" predict --model "$dir" --input "$models/closes.csv" --out "$scratch/pred.csv"
done
# The named seeds only (make_corpus.py); what the fuzzer found (40-hex names) is replayed in-process
# by the fuzz.* tests, a thousand files too many to run through the binary one by one.
seeds() { ls "$corpus/$1" | grep -Ev '^[0-9a-f]{40}$' | sed "s|^|$corpus/$1/|"; }
for input in $(seeds csv); do
  check "csv $(basename "$input")" "$(basename "$input")" "$scratch/features.csv" -- \
    "$finml" features --input "$input" --out "$scratch/features.csv"
done
for input in $(seeds experiment); do
  check "experiment $(basename "$input")" "$(basename "$input")" "$scratch/none" -- \
    "$finml" run "$input" --print-config
done
echo "$tried inputs: $refused refused with a clear error, $((tried - refused - failures)) accepted, $failures failures"
[ "$failures" = 0 ]
