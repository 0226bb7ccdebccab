#!/usr/bin/env bash
# Rebuild the portal's front-end assets from the pinned npm packages.
#   static/css/portal.css          compiled from static/src/portal.scss (Arial, no GDS Transport)
#   static/govuk/govuk-frontend.min.js
#   (static/govuk/assets/ holds the portal's own icons; nothing is copied there)
# The outputs are committed, so running the portal needs no Node. Needs Node 20+ and npm.
set -euo pipefail

STATIC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC_DIR="$STATIC_DIR/src"
cd "$SRC_DIR"

npm ci --no-audit --no-fund

mkdir -p ../css
# --quiet-deps: GOV.UK Frontend 5.x still uses @import and global Sass functions,
# which newer Dart Sass reports as deprecations inside the dependency.
npx sass --pkg-importer=node --quiet-deps --style=compressed --no-source-map portal.scss ../css/portal.css
# The footer's copyright logo is the Royal Coat of Arms (GOV.UK only); the portal neither uses nor ships it.
python3 ../strip_unused_rules.py ../css/portal.css govuk-crest.svg

GOVUK_DIST="node_modules/govuk-frontend/dist/govuk"
mkdir -p ../govuk
cp "$GOVUK_DIST/govuk-frontend.min.js" ../govuk/govuk-frontend.min.js
# The icons in static/govuk/assets/ are the portal's own: GOV.UK's crown icons are only for GOV.UK services,
# so they are not copied from the package.

# Sanity checks on the compiled CSS
if grep -q "GDS Transport" ../css/portal.css; then
  echo "error: portal.css mentions GDS Transport" >&2; exit 1
fi
if grep -Eq "url\(\"?'?/assets/" ../css/portal.css; then
  echo "error: portal.css has url(/assets/...)" >&2; exit 1
fi
# Every url() must name a file that is shipped, or collectstatic fails in production (hashed static files).
for url in $(grep -o 'url("\?/static/[^")]*' ../css/portal.css | sed 's/url("\?\/static\///' | sort -u); do
  [ -f "../$url" ] || { echo "error: portal.css refers to /static/$url, which is not in static/" >&2; exit 1; }
done
echo "Built $(realpath ../css/portal.css) and $(realpath ../govuk)"
