#!/usr/bin/env bash
# Runs a command and checks its exit code and that its combined output matches a regex.
# Usage: expect.sh EXPECTED_EXIT_CODE REGEX [--quiet-stderr] -- COMMAND ARGS...
set -u
expected_rc=$1; regex=$2; shift 2
quiet_stderr=0
if [ "$1" = "--quiet-stderr" ]; then quiet_stderr=1; shift; fi
[ "$1" = "--" ] && shift
err=$(mktemp); out=$(mktemp)
"$@" >"$out" 2>"$err"
rc=$?
status=0
if [ "$rc" != "$expected_rc" ]; then
  echo "FAIL: exit code $rc, expected $expected_rc"; status=1
fi
if ! cat "$out" "$err" | grep -Eq -- "$regex"; then
  echo "FAIL: output does not match /$regex/"; status=1
fi
if [ "$quiet_stderr" = 1 ] && [ -s "$err" ]; then
  echo "FAIL: expected nothing on stderr when not a terminal"; status=1
fi
echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
rm -f "$out" "$err"
exit $status
