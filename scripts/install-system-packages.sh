#!/bin/sh
# Debian packages the pipeline needs: TeX Live with pdfTeX and XeTeX (no
# texlive-full, no texlive-fonts-extra), TeX Gyre fonts (Type 1 for pdfTeX,
# OpenType for XeTeX), fonts for other scripts (Noto: Nastaliq, Naskh,
# Devanagari, Bengali, Serif; FreeSerif; WenQuanYi Zen Hei for CJK, 16 MB
# against 91 MB for fonts-noto-cjk), poppler and bubblewrap; Chromium to
# load the proof report in a real browser in the tests.
# As root they are installed; otherwise the exact command is printed.
set -eu
PACKAGES="texlive-latex-base texlive-latex-recommended texlive-latex-extra
texlive-plain-generic texlive-fonts-recommended texlive-lang-english texlive-xetex
tex-gyre fonts-texgyre fonts-noto-core fonts-freefont-otf fonts-wqy-zenhei lmodern
poppler-utils bubblewrap chromium"
missing=""
for package in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "missing Debian packages; run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
