#!/usr/bin/env bash
# Installs the Debian packages that the build, tests and benchmarks need, only those missing.
# Idempotent and non-interactive; needs root (or sudo) only when something is missing.
set -euo pipefail

build_pkgs=(cmake make g++ ccache pkg-config libeigen3-dev libyaml-cpp-dev libcli11-dev
  nlohmann-json3-dev libfmt-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libxgboost-dev libboost-dev libcpp-httplib-dev libssl-dev curl clang-format
  clang libclang-rt-dev libhowardhinnant-date-dev chromium
  libalglib-dev libglpk-dev libsentencepiece-dev libfasttext-dev libnanoflann-dev libgloo-dev
  libblas-dev libopenblas0-pthread libfast-float-dev
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest)
# The Python package (issue 23) builds for Debian's /usr/bin/python3 and uses its numpy and
# pandas; its tests run under python3-pytest.
# libopenblas0-pthread registers itself as the system libblas.so.3, so Debian's LibTorch (built
# with BLAS_INFO=generic) and the PyTorch peer both multiply with OpenBLAS rather than netlib's
# reference BLAS (issue 22: the fair comparison is the default).
# Peers: used only to regenerate fixtures and by bench/, never by the product at run time.
peer_pkgs=(r-base-core r-cran-ttr r-cran-fgarch r-cran-cvar python3-pandas python3-numpy python3-torch
  python3-statsmodels python3-cvxopt
  python3-sklearn python3-xgboost python3-sentencepiece wrk)

want=("${build_pkgs[@]}")
if [ "${FINML_SKIP_PEERS:-0}" != 1 ]; then want+=("${peer_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm may come with a Node.js from elsewhere (NodeSource bundles it): any npm on PATH will do.
if ! command -v npm >/dev/null; then missing+=(npm); fi

# Report charts: Plotly.js from npm, pinned, embedded into the binary at build time (CMake finds
# it here; src/report/plotly_library.cpp).
npm_prefix=${FINML_NPM_PREFIX:-/usr/local/lib/finml-npm}
plotly_version=4.1.2
install_plotly() {
  local js="$npm_prefix/node_modules/plotly.js-dist-min/plotly.min.js"
  if [ -f "$js" ] && head -c 200 "$js" | grep -q "plotly.js v$plotly_version\b"; then return; fi
  echo "install-deps: installing plotly.js-dist-min@$plotly_version into $npm_prefix"
  local sudo_npm=()
  if [ "$(id -u)" != 0 ] && [ ! -w "$(dirname "$npm_prefix")" ]; then sudo_npm=(sudo); fi
  "${sudo_npm[@]}" mkdir -p "$npm_prefix"
  "${sudo_npm[@]}" npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error \
    "plotly.js-dist-min@$plotly_version"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  install_plotly
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_plotly
