#!/usr/bin/env bash
# Re-vendor third-party front-end assets into static/vendor/.
# Usage: bash static/vendor/update.sh            (fetches from the npm registry)
#        SRC=/path/to/node_modules bash static/vendor/update.sh   (reuse an existing node_modules)
# Not run in CI. Requires: npm (unless SRC is given), sed, grep.
set -euo pipefail

KRDS_VERSION="${KRDS_VERSION:-1.1.0}"
LEAFLET_VERSION="${LEAFLET_VERSION:-1.9.4}"
CHARTJS_VERSION="${CHARTJS_VERSION:-4.6.1}"
MERMAID_VERSION="${MERMAID_VERSION:-11.17.2}"

HERE="$(cd "$(dirname "$0")" && pwd)"       # .../static/vendor
if [ -z "${SRC:-}" ]; then
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  (cd "$TMP" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts \
     "krds-uiux@${KRDS_VERSION}" "leaflet@${LEAFLET_VERSION}" \
     "chart.js@${CHARTJS_VERSION}" "mermaid@${MERMAID_VERSION}")
  SRC="$TMP/node_modules"
fi

# --- KRDS -------------------------------------------------------------
K="$SRC/krds-uiux/resources"
D="$HERE/krds"
rm -rf "$D"; mkdir -p "$D/fonts" "$D/img/component"
cp "$K/cdn/krds.min.css" "$D/krds.min.css"
cp "$K/js/component/ui-script.js" "$D/ui-script.js"
cp "$K"/fonts/*.woff2 "$K"/fonts/*.woff "$D/fonts/"
cp -r "$K/img/component/icon" "$K/img/component/favicon" "$D/img/component/"
# Absolute icon URLs -> relative to krds.min.css (static/vendor/krds/img/component/...)
sed -i -e 's#https\?://www\.krds\.go\.kr/resources/img/component/#img/component/#g' "$D/krds.min.css"
# KRDS is published under the KRDS terms of use (no LICENSE file in the package); keep README + package.json
cp "$SRC/krds-uiux/package.json" "$D/package.json"
cp "$SRC/krds-uiux/README.md" "$D/README.krds.md"
if grep -c 'krds\.go\.kr' "$D/krds.min.css" "$D/ui-script.js" | grep -v ':0$'; then
  echo "ERROR: remote krds.go.kr references remain" >&2; exit 1
fi

# --- Leaflet ----------------------------------------------------------
D="$HERE/leaflet"; rm -rf "$D"; mkdir -p "$D"
cp "$SRC/leaflet/dist/leaflet.js" "$SRC/leaflet/dist/leaflet.css" "$SRC/leaflet/LICENSE" "$D/"
cp -r "$SRC/leaflet/dist/images" "$D/"

# --- Chart.js ---------------------------------------------------------
D="$HERE/chartjs"; rm -rf "$D"; mkdir -p "$D"
cp "$SRC/chart.js/dist/chart.umd.min.js" "$D/"
cp "$SRC/chart.js/LICENSE.md" "$D/LICENSE.md"

# --- Mermaid (single-file UMD bundle) ----------------------------------
D="$HERE/mermaid"; rm -rf "$D"; mkdir -p "$D"
cp "$SRC/mermaid/dist/mermaid.min.js" "$SRC/mermaid/LICENSE" "$D/"
# drop the sourceMappingURL comment (the .map file is not vendored)
sed -i -e 's#//\# sourceMappingURL=.*$##' "$D/mermaid.min.js" "$HERE/chartjs/chart.umd.min.js"

echo "vendored into $HERE"
