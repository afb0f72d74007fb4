#!/usr/bin/env bash
# Installs the Debian packages that the build, tests and benchmarks need, only those missing.
# Idempotent and non-interactive; needs root (or sudo) only when something is missing.
set -euo pipefail

build_pkgs=(cmake make g++ ccache pkg-config libeigen3-dev libyaml-cpp-dev libcli11-dev
  nlohmann-json3-dev libfmt-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libxgboost-dev libboost-dev libcpp-httplib-dev libssl-dev curl clang-format
  clang libclang-rt-dev libhowardhinnant-date-dev)
# Peers: used only to regenerate fixtures and by bench/, never by the product at run time.
peer_pkgs=(r-base-core r-cran-ttr r-cran-fgarch r-cran-cvar python3-pandas python3-numpy python3-torch
  python3-sklearn python3-xgboost wrk)

want=("${build_pkgs[@]}")
if [ "${FINML_SKIP_PEERS:-0}" != 1 ]; then want+=("${peer_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
