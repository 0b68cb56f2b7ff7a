#!/usr/bin/env bash
# Starts a local Hardhat node (chain id 31337) in the background and waits until it answers eth_chainId.
#
#   scripts/start-node.sh [PORT] [PIDFILE] [LOGFILE]
#
# Defaults: PORT=$CHAIN_PORT or 8545, PIDFILE=$CHAIN_PIDFILE or <contracts>/hardhat-node-PORT.pid,
# LOGFILE=$CHAIN_LOGFILE or <contracts>/hardhat-node-PORT.log. Waits up to $CHAIN_START_TIMEOUT seconds (30).
# PORT 0: the node binds a free port itself (no pick-then-bind race); the URL it prints tells which.
# Prints "ready <url> chainId=<id> pid=<pid>" and exits 0, or prints the log tail and exits 1.
# Stop it with scripts/stop-node.sh PIDFILE (or kill the PID written to PIDFILE).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${1:-${CHAIN_PORT:-8545}}"
pidfile="${2:-${CHAIN_PIDFILE:-$here/hardhat-node-$port.pid}}"
logfile="${3:-${CHAIN_LOGFILE:-$here/hardhat-node-$port.log}}"
timeout="${CHAIN_START_TIMEOUT:-30}"
url="http://127.0.0.1:$port" # for PORT 0: known once the node has printed it
cli="$here/node_modules/hardhat/internal/cli/cli.js"

if [[ ! -f "$cli" ]]; then
  echo "hardhat is not installed: run 'npm ci' in $here first" >&2
  exit 1
fi
if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "a node is already running with pid $(cat "$pidfile") (pidfile $pidfile)" >&2
  exit 1
fi

rpc_chain_id() {
  # Prints the chain id (decimal) if a JSON-RPC server answers on $url, nothing otherwise.
  local body
  body="$(curl -s -m 2 -H 'Content-Type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$url" 2>/dev/null || true)"
  if [[ "$body" =~ \"result\":\"(0x[0-9a-fA-F]+)\" ]]; then
    printf '%d\n' "${BASH_REMATCH[1]}"
  fi
}

if [[ "$port" != 0 && -n "$(rpc_chain_id)" ]]; then
  echo "port $port is already serving JSON-RPC; refusing to start a second node" >&2
  exit 1
fi

bound_url() {
  # Prints the URL from the node's "Started HTTP and WebSocket JSON-RPC server at http://127.0.0.1:PORT/" line, if
  # it has printed it yet: the port it actually bound.
  # (the log may not exist yet: the background shell below creates it)
  # Escape sequences are stripped: hardhat colours its output whenever CI is set in the environment, even into a file.
  sed -e 's/\x1b\[[0-9;]*m//g' \
    -n -e 's|^Started HTTP and WebSocket JSON-RPC server at \(http://[^/ ]*\)/.*|\1|p' "$logfile" 2>/dev/null \
    | head -n 1 || true
}

mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
cd "$here"
# NO_COLOR: a plain log (picocolors colours it whenever CI is set, even into a file).
# setsid: the node gets its own process group, so stopping it never touches the caller's.
# blocks of one second share its timestamp, so the chain clock stays with the wall clock (see hardhat.config.js)
NO_COLOR=1 XMTPJ_SAME_TIMESTAMP_BLOCKS=1 setsid node "$cli" node --hostname 127.0.0.1 --port "$port" >"$logfile" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$pidfile"
# whatever ends this script before "ready" (a failed command under set -e, a signal) stops the node it started
ready=""
trap 'if [[ -z "$ready" ]]; then kill "$pid" 2>/dev/null || true; rm -f "$pidfile"; fi' EXIT

deadline=$((SECONDS + timeout))
while (( SECONDS < deadline )); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "hardhat node exited during start-up; log $logfile:" >&2
    tail -n 30 "$logfile" >&2 || true
    rm -f "$pidfile"
    exit 1
  fi
  if [[ "$port" == 0 ]]; then
    url="$(bound_url)"
    if [[ -z "$url" ]]; then
      sleep 0.2
      continue
    fi
  fi
  id="$(rpc_chain_id)"
  if [[ -n "$id" ]]; then
    ready=1
    echo "ready $url chainId=$id pid=$pid"
    exit 0
  fi
  sleep 0.2
done

echo "hardhat node did not answer eth_chainId on ${url:-its port} within ${timeout}s; stopping it. Log $logfile:" >&2
tail -n 30 "$logfile" >&2 || true
kill "$pid" 2>/dev/null || true
rm -f "$pidfile"
exit 1
