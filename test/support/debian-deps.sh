#!/usr/bin/env bash
# Installs the Debian packages the test suite starts or drives, where missing (run as root).
set -euo pipefail
need=()
# iptux, xvfb, xdotool: the real IP Messenger client of test/legacy/iptux.test.ts, its X server and typist
# dbus-daemon, libglib2.0-bin (gdbus): iptux's session bus, on which that test activates its window actions
# python3-zeroconf: the mDNS browser of test/net/mdns-citizen.test.ts
# fonts-noto-cjk and fonts-noto-color-emoji: screenshots and e2e pages show Chinese and emoji, not boxes
for pkg in chromium mosquitto mosquitto-clients redis-server iproute2 nftables iputils-ping \
  iptux xvfb xdotool dbus-daemon libglib2.0-bin python3-zeroconf \
  fonts-noto-cjk fonts-noto-color-emoji; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
