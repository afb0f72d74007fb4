#!/usr/bin/env bash
# Starts two ranks by hand, as a scheduler would (no finml launch, so no rank is stopped for the
# other's failure), each with its own extra environment, and exits with the larger exit code.
# Usage: two_ranks.sh PORT "ENV0" "ENV1" -- COMMAND ARGS...   (ENVn: space-separated VAR=value;
# "-" for none, since CMake drops empty arguments)
set -u -o pipefail
port=$1; env0=$2; env1=$3; shift 3
[ "$env0" = - ] && env0=
[ "$env1" = - ] && env1=
[ "$1" = "--" ] && shift
# shellcheck disable=SC2086
env RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT="$port" $env0 "$@" 2>&1 | sed 's/^/[rank 0] /' &
p0=$!
# shellcheck disable=SC2086
env RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT="$port" $env1 "$@" 2>&1 | sed 's/^/[rank 1] /' &
p1=$!
wait $p0; rc0=$?
wait $p1; rc1=$?
echo "rank 0 exit $rc0, rank 1 exit $rc1"
[ $rc0 -gt $rc1 ] && exit $rc0 || exit $rc1
