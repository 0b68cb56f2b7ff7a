# Shared by the launchers: find a JDK >= 21 and build the project on first use (or when sources changed).
# shellcheck shell=bash

xmtpj_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the launchers find contracts/ (Hardhat scripts, compiled artifacts) from any working directory
export XMTPJ_CONTRACTS_DIR="${XMTPJ_CONTRACTS_DIR:-$xmtpj_root/contracts}"

java_major() { # prints the major version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' \
    | awk -F. '{print ($1 == "1") ? $2 : $1}' || echo 0
}

find_jdk() { # sets JAVA_HOME to a JDK >= 21
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${d%/}"); done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/javac" ] && [ "$(java_major "$home/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$home"
      return 0
    fi
  done
  echo "error: no JDK 21 or newer found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
  return 1
}

ensure_built() { # builds once, and again whenever a source of the launchers' modules is newer than their jar
  local jar="$xmtpj_root/cli/target/cli.jar"
  local modules=(proto crypto dag store chain node client client-chain cli)
  local dirs=()
  for m in "${modules[@]}"; do dirs+=("$xmtpj_root/$m/src/main" "$xmtpj_root/$m/pom.xml"); done
  if [ -f "$jar" ] && [ -z "$(find "${dirs[@]}" "$xmtpj_root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "building xmtpd (first use or sources changed)…" >&2
  (cd "$xmtpj_root" && ./mvnw -q -B -ntp install -DskipTests -pl cli -am) >&2
}

classpath() {
  echo "$xmtpj_root/cli/target/cli.jar:$xmtpj_root/cli/target/lib/*"
}
