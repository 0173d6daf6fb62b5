#!/usr/bin/env bash
# Operator scale benchmark: the packaged operator on the real control plane issuing N resources of
# 3 stages, next to a floor program doing the same STS calls and Secret creates (see
# bench/README.md). Arguments go to OperatorScaleBench, e.g.
#   bench/operator-scale.sh --resources 100,1000 [--jar path/to/quarkus-run.jar] [--heap 384m]
# The Markdown table goes to stdout, progress to stderr. MVN_FLAGS=-o builds offline;
# SKIP_BUILD=1 reuses what an earlier run built.
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=target/bench/classpath.txt
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package builds target/quarkus-app (the operator under test) and compiles the test sources,
  # where the bench, the control-plane harness and the STS emulator's helpers live; the
  # control plane itself is built (or reused) by src/test/controlplane/build.sh.
  ./mvnw -B -q ${MVN_FLAGS:-} package -DskipTests
  mkdir -p target/bench
  ./mvnw -B -q ${MVN_FLAGS:-} dependency:build-classpath -Dmdep.outputFile="$classpath_file"
fi
bash src/test/controlplane/build.sh >/dev/null

exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.stagecred.bench.OperatorScaleBench "$@"
