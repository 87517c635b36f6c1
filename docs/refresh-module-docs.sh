#!/usr/bin/env bash
# Refreshes docs/modules/: the Spring Modulith diagrams and canvases of Herald's modules, as
# ModularityTests generates them (into backend/target/spring-modulith-docs/; tests never write
# outside target/).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl backend -am verify -Djacoco.skip=true -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ModularityTests
rm -rf docs/modules && mkdir -p docs/modules
cp backend/target/spring-modulith-docs/*.puml backend/target/spring-modulith-docs/*.adoc docs/modules/
echo "docs/modules/ refreshed; review with git status docs/modules"
