#!/usr/bin/env bash
# Stops a node started by start-node.sh: scripts/stop-node.sh [PIDFILE | PORT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
arg="${1:-${CHAIN_PIDFILE:-${CHAIN_PORT:-8545}}}"
if [[ "$arg" =~ ^[0-9]+$ ]]; then pidfile="$here/hardhat-node-$arg.pid"; else pidfile="$arg"; fi
if [[ ! -f "$pidfile" ]]; then
  echo "no pidfile $pidfile" >&2
  exit 1
fi
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  echo "stopped hardhat node pid $pid"
else
  echo "pid $pid from $pidfile is not running"
fi
rm -f "$pidfile"
