#!/usr/bin/env bash
# Checks (or with --fix, applies) .clang-format on every C++ file git tracks. Used by
# `make format-check`, `make format` and the ctest style.clang_format. Exit 77 (ctest: skipped)
# when clang-format or git is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format > /dev/null && command -v git > /dev/null || exit 77
git rev-parse --is-inside-work-tree > /dev/null 2>&1 || exit 77
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2> /tmp/finml-format-check.$$; then
  grep -E '^[^ ].*: (warning|error):' /tmp/finml-format-check.$$ | cut -d: -f1 | sort -u |
    sed 's/^/not formatted: /'
  rm -f /tmp/finml-format-check.$$
  echo "fix: make format (clang-format -i with the checked-in .clang-format)"
  exit 1
fi
rm -f /tmp/finml-format-check.$$
echo "all ${#files[@]} C++ files match .clang-format"
