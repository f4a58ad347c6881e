#!/usr/bin/env bash
# Debian packages the tests use. Nothing is needed yet beyond Python; later stages
# (OCR, legacy .doc, a real IMAP server) add theirs here so CI installs them too.
set -euo pipefail
packages=()
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
fi
