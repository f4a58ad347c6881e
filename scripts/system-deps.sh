#!/usr/bin/env bash
# Debian packages the tests use, installed when missing (root, or sudo without a password);
# idempotent. tesseract-ocr: OCR of scans; antiword: legacy Word .doc; chromium: the
# published page is tested in a real headless browser (Playwright, this system binary);
# dovecot-imapd: a real IMAP server on loopback for the mailbox tests (tests/dovecot.py
# starts a private instance; the system service is not used).
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-eng antiword chromium dovecot-core dovecot-imapd)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq &&
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
fi
