#!/usr/bin/env bash
# Installs the Debian packages pwc-search builds, tests and benchmarks with.
set -euo pipefail

packages=(
    build-essential cmake pkg-config clang libclang-rt-14-dev
    libxapian-dev libstemmer-dev libmicrohttpd-dev libcjson-dev
    libutf8proc-dev libjemalloc-dev zlib1g-dev liblz4-dev libcmocka-dev
    libsqlite3-dev
    libcurl4-openssl-dev curl wrk python3 time strace
)

sudo=
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "deps: installed ${#packages[@]} packages"
