#!/bin/sh
# Entrypoint of the stagecred image (/deployments/stagecred): picks JVM options for the mode, then
# runs the application with all arguments unchanged. The first argument is the mode, as for the
# application itself (operator when absent or when it starts with '-').
#
#   sidecar  a small, short-lived JVM next to a deploy container (memory limit around 160Mi):
#            serial GC, C1 only, a 64m heap and capped metaspace and code cache.
#   other    the operator and the demo: a heap sized from the container's memory limit.
#
# JAVA_OPTS, when set (even to an empty value), replaces these options verbatim. It is split into
# words at whitespace and nothing else: quotes inside it are not interpreted. The JVM also reads
# JAVA_TOOL_OPTIONS by itself, on top of whichever options are chosen here.
set -eu

case "${1:-}" in
  '' | -*) mode=operator ;;
  *) mode=$1 ;;
esac

if [ -n "${JAVA_OPTS+set}" ]; then
  opts=$JAVA_OPTS
elif [ "$mode" = sidecar ]; then
  opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -Xshare:auto"
else
  opts="-XX:MaxRAMPercentage=75"
fi

# $opts is unquoted on purpose, to split it into options; -f keeps '*' and '?' in it literal.
set -f
# shellcheck disable=SC2086
exec java $opts -jar /deployments/quarkus-run.jar "$@"
