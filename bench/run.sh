#!/usr/bin/env bash
# Runs the load generator against a fresh xmtpd node process:  bench/run.sh <scenario> [options]
# (bench/run.sh --help lists scenarios and options). The replication scenarios (propagation, bootstrap,
# antientropy-bytes; `replication` = all three) start several peered node processes instead. The Java SDK scenarios
# (sdk-crypto, sdk-e2e; `sdk` = both) run under `taskset -c 0` with -XX:ActiveProcessorCount=1. Builds the bench
# module, and the modules it needs if they are not installed yet, when the jar is missing or older than the sources.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../bin/lib.sh
source "$here/../bin/lib.sh"
find_jdk

root="$xmtpj_root"
jar="$here/target/bench-0.1.0-SNAPSHOT.jar"
stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$here/src" "$here/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ] && return 0
  return 1
}
if stale; then
  echo "building bench…" >&2
  if [ -d "$HOME/.m2/repository/org/xmtpj/testing/0.1.0-SNAPSHOT" ]; then
    (cd "$root" && ./mvnw -q -B -ntp -o -pl bench install -DskipTests) >&2
  else # first use on this machine: the modules bench depends on are not installed yet
    (cd "$root" && ./mvnw -q -B -ntp -pl bench -am install -DskipTests) >&2
  fi
fi

cd "$root"
# The Java SDK scenarios measure what one core does: this JVM (and JMH's forks, which inherit the affinity) runs on
# CPU ${SDK_CPU:-0} only and sizes itself for one processor; sdk-e2e moves the node it starts to the other CPU.
pin=()
jvm=()
case "${1:-}" in
  sdk|sdk-crypto|sdk-e2e) pin=(taskset -c "${SDK_CPU:-0}"); jvm=(-XX:ActiveProcessorCount=1) ;;
esac
exec "${pin[@]}" "$JAVA_HOME/bin/java" "${jvm[@]}" --enable-native-access=ALL-UNNAMED \
  -cp "$jar:$here/target/lib/*" org.xmtpj.bench.LoadBench "$@"
