#!/usr/bin/env bash
# A failed command leaves no output (not even a hidden staging directory), a second run into the
# same --out is refused unless --overwrite, which replaces the first run whole.
# Usage: output_whole_or_nothing.sh FINML SCRATCH_DIR
set -u
finml=$1; scratch=$2
rm -rf "$scratch"; mkdir -p "$scratch"
fail() { echo "FAIL: $*"; exit 1; }

# Fails inside the job, after the output directory was set up.
"$finml" risk var --returns tests/cli/fixtures/returns_short.csv --out "$scratch/failed" 2>/dev/null \
  && fail "a short series was accepted"
[ -z "$(ls -A "$scratch")" ] || fail "a failed run left: $(ls -A "$scratch")"

"$finml" risk garch --returns data/dem2gbp.csv --out "$scratch/run" > /dev/null || fail "first run"
touch "$scratch/run/stale-from-first-run"
msg=$("$finml" risk var --returns data/dem2gbp.csv --out "$scratch/run" 2>&1) \
  && fail "a second run into a full --out was accepted"
echo "$msg" | grep -q "already holds files" || fail "unclear refusal: $msg"
[ -f "$scratch/run/params.json" ] || fail "the refusal touched the first run"

"$finml" risk var --returns data/dem2gbp.csv --out "$scratch/run" --overwrite > /dev/null \
  || fail "--overwrite failed"
[ -f "$scratch/run/var.csv" ] || fail "--overwrite did not write the new result"
[ -e "$scratch/run/params.json" ] && fail "--overwrite kept the first run's params.json"
[ -e "$scratch/run/stale-from-first-run" ] && fail "--overwrite kept a stale file"

mkdir "$scratch/mine"; echo precious > "$scratch/mine/notes.txt"
msg=$("$finml" risk var --returns data/dem2gbp.csv --out "$scratch/mine" --overwrite 2>&1) \
  && fail "--overwrite replaced a directory finml did not write"
echo "$msg" | grep -q "is not a directory finml wrote" || fail "unclear refusal: $msg"
[ -f "$scratch/mine/notes.txt" ] || fail "a user's file was lost"

ln -s /dev/null "$scratch/link"
"$finml" risk var --returns data/dem2gbp.csv --out "$scratch/link" --overwrite 2>/dev/null \
  && fail "a symlink was replaced"
[ -L "$scratch/link" ] || fail "the symlink is gone"
ls -A "$scratch" | grep -q partial && fail "a staging directory was left: $(ls -A "$scratch")"
echo "ok"
