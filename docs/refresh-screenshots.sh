#!/usr/bin/env bash
# Refreshes the README's screenshots: runs the browser tests that take them (into
# backend/target/screenshots/) and copies the pictures the docs use into docs/screenshots/.
# Tests never write outside target/, so this is the one command that changes docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl backend -am verify -Djacoco.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='AuthorJourneyBrowserTests,ApprovalBrowserTests,LanguageAndAccessibilityBrowserTests'
for f in docs/screenshots/*.png; do
  shot="backend/target/screenshots/$(basename "$f")"
  if [ -f "$shot" ]; then cp "$shot" "$f"; else echo "not taken by the tests: $(basename "$f")" >&2; fi
done
echo "docs/screenshots/ refreshed; review with git diff --stat docs/screenshots"
