#!/usr/bin/env bash
# A throw-away Mosquitto broker for the tests: a TCP and a WebSocket listener on free loopback ports,
# config and log in a temp dir.
#
# Sourced (by scripts/test): defines mosquitto_start and mosquitto_stop. mosquitto_start exports
#   QOSCOPE_MOSQUITTO_WS_URL   ws://127.0.0.1:PORT/mqtt
#   QOSCOPE_MOSQUITTO_TCP_PORT PORT
# Run directly: `scripts/lib/mosquitto.sh [COMMAND...]` starts a broker, then runs COMMAND with those
# variables set (e.g. `node --test tests/e2e/page.test.mjs`), or waits for Ctrl-C if none is given.
#
# Preset QOSCOPE_MOSQUITTO_TCP_PORT / QOSCOPE_MOSQUITTO_WS_PORT to choose the ports yourself.

# Print N free loopback TCP ports. They are held open together so that they differ.
free_ports() {
  node -e '
    const net = require("node:net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
      .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });
  ' "$1"
}

port_open() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mosquitto_start() {
  MOSQUITTO_DIR="$(mktemp -d -t qoscope-mosquitto.XXXXXX)"
  local conf="$MOSQUITTO_DIR/mosquitto.conf" log="$MOSQUITTO_DIR/mosquitto.log"
  local tcp ws attempt preset=
  [ -n "${QOSCOPE_MOSQUITTO_TCP_PORT:-}" ] && [ -n "${QOSCOPE_MOSQUITTO_WS_PORT:-}" ] && preset=1
  # A free port can be taken by someone else between picking and binding it: retry with new ones.
  for attempt in 1 2 3; do
    if [ -n "$preset" ]; then
      tcp="$QOSCOPE_MOSQUITTO_TCP_PORT" ws="$QOSCOPE_MOSQUITTO_WS_PORT"
    else
      read -r tcp ws < <(free_ports 2) || true
    fi
    if [ -z "${ws:-}" ]; then
      printf 'error: could not pick free ports for mosquitto\n' >&2
      return 1
    fi
    # Mosquitto refuses to start with only a websockets listener, so there is a TCP one too.
    # `socket_domain ipv4` keeps the websockets listener on loopback (without it, it binds every
    # interface). log_dest stderr: stdout is block-buffered when redirected.
    # max_queued_messages: the default of 1000 drops messages in bursty QoS 1/2 runs.
    cat >"$conf" <<CONF
allow_anonymous true
persistence false
log_dest stderr
max_queued_messages 10000

listener $tcp 127.0.0.1

listener $ws 127.0.0.1
socket_domain ipv4
protocol websockets
CONF
    mosquitto -c "$conf" </dev/null 2>>"$log" &
    MOSQUITTO_PID=$!
    for _ in $(seq 100); do
      kill -0 "$MOSQUITTO_PID" 2>/dev/null || break
      if port_open "$ws" && port_open "$tcp"; then
        export QOSCOPE_MOSQUITTO_WS_URL="ws://127.0.0.1:$ws/mqtt"
        export QOSCOPE_MOSQUITTO_TCP_PORT="$tcp"
        return 0
      fi
      sleep 0.1
    done
    mosquitto_kill
    printf 'mosquitto did not come up on ports %s/%s (attempt %s); its log:\n' "$tcp" "$ws" "$attempt" >&2
    tail -n 20 "$log" >&2
    [ -z "$preset" ] || break
  done
  printf 'error: could not start mosquitto\n' >&2
  return 1
}

# Stop by PID (never by name: other brokers may run on this machine), waiting at most 5 s.
mosquitto_kill() {
  local pid="${MOSQUITTO_PID:-}"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  MOSQUITTO_PID=
}

# Stop the broker and remove its temp dir; its log is kept next to the other test artifacts.
mosquitto_stop() {
  mosquitto_kill
  if [ -n "${MOSQUITTO_DIR:-}" ] && [ -d "$MOSQUITTO_DIR" ]; then
    if [ -n "${ROOT:-}" ] && [ -f "$MOSQUITTO_DIR/mosquitto.log" ]; then
      mkdir -p "$ROOT/target/e2e-artifacts"
      cp "$MOSQUITTO_DIR/mosquitto.log" "$ROOT/target/e2e-artifacts/mosquitto.log"
    fi
    rm -rf "$MOSQUITTO_DIR"
  fi
  MOSQUITTO_DIR=
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
  trap mosquitto_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mosquitto_start
  printf 'mosquitto: QOSCOPE_MOSQUITTO_WS_URL=%s QOSCOPE_MOSQUITTO_TCP_PORT=%s (pid %s)\n' \
    "$QOSCOPE_MOSQUITTO_WS_URL" "$QOSCOPE_MOSQUITTO_TCP_PORT" "$MOSQUITTO_PID"
  if [ $# -gt 0 ]; then
    "$@"
  else
    printf 'Press Ctrl-C to stop it.\n'
    wait "$MOSQUITTO_PID"
  fi
fi
