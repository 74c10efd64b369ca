#!/usr/bin/env bash
# Installs the Debian packages the test suite starts or drives, where missing (run as root).
set -euo pipefail
need=()
for pkg in chromium mosquitto mosquitto-clients redis-server iproute2 nftables iputils-ping python3-zeroconf; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
