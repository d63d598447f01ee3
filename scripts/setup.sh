#!/usr/bin/env bash
# Everything `npm start` and `npm test` need, installed only when missing (fast when all is there):
#  - the npm dependencies (npm ci, when node_modules is older than package-lock.json);
#  - the Vulkan loader, and where the machine has no GPU, SwiftShader (a CPU Vulkan driver) from
#    Debian's chromium package, so that WebGPU (Dawn, the npm package 'webgpu') has an adapter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

has_gpu() { [[ -e /dev/nvidiactl ]] || compgen -G "/dev/dri/renderD*" >/dev/null; }
packages=()
ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1' || packages+=(libvulkan1)
has_gpu || [[ -f /usr/lib/chromium/vk_swiftshader_icd.json ]] || packages+=(chromium)
if ((${#packages[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "setup: WebGPU needs ${packages[*]} (Debian packages). Install them as root: apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  echo "setup: apt-get install ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
