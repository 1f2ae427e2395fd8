#!/usr/bin/env bash
# Copies the precompiled GOV.UK Frontend, MOJ Frontend and htmx files from node_modules into
# static/. The CSS refers to /assets/..., so fonts and images go to static/assets (served there).
set -euo pipefail
cd "$(dirname "$0")/.."
govuk=node_modules/govuk-frontend/dist/govuk
moj=node_modules/@ministryofjustice/frontend/moj
rm -rf static/vendor static/assets
mkdir -p static/vendor static/assets/images
cp "$govuk/govuk-frontend.min.css" "$govuk/govuk-frontend.min.js" static/vendor/
cp "$moj/moj-frontend.min.css" "$moj/moj-frontend.min.js" static/vendor/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
cp -r "$govuk/assets/fonts" static/assets/
cp -r "$govuk/assets/images/." static/assets/images/
cp -r "$moj/assets/images/." static/assets/images/
cp "$govuk/assets/manifest.json" static/assets/
