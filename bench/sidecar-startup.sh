#!/usr/bin/env bash
# Sidecar startup benchmark: time to the first credentials file and to readiness UP, and RSS,
# per JVM flag set (see bench/README.md). Arguments go to SidecarStartupBench, e.g.
#   bench/sidecar-startup.sh --runs 5 --idle 30 --sets image,plain,lean,appcds,lean-appcds
# The Markdown table goes to stdout, progress to stderr. MVN_FLAGS=-o builds offline;
# SKIP_BUILD=1 reuses what an earlier run built.
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=target/bench/classpath.txt
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package builds target/quarkus-app (the jar under test) and compiles the test sources,
  # where the bench and the in-process STS emulator's test helpers live.
  ./mvnw -B -q ${MVN_FLAGS:-} package -DskipTests
  mkdir -p target/bench
  ./mvnw -B -q ${MVN_FLAGS:-} dependency:build-classpath -Dmdep.outputFile="$classpath_file"
fi

# JBoss LogManager is on the classpath (java.net.http's System.Logger reaches it): install it.
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.stagecred.bench.SidecarStartupBench "$@"
