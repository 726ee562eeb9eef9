#!/usr/bin/env bash
# Throw-away Mosquitto brokers for the tests, each with a TCP and a WebSocket listener on free
# loopback ports, and its config and log in a temp dir of its own:
#   - the default one, with Mosquitto's defaults, which most tests use;
#   - the limited one, whose config declares limits (Maximum QoS 1, no retained messages, a
#     Maximum Packet Size...), so that the broker check suite meets a broker that declares
#     capabilities.
#
# Sourced (by scripts/test): defines mosquitto_start / mosquitto_stop (the default broker),
# mosquitto_limited_start / mosquitto_limited_stop (the limited one) and mosquitto_stop_all.
# mosquitto_start exports
#   QOSCOPE_MOSQUITTO_WS_URL           ws://127.0.0.1:PORT/mqtt
#   QOSCOPE_MOSQUITTO_TCP_PORT         PORT
# and mosquitto_limited_start
#   QOSCOPE_MOSQUITTO_LIMITED_WS_URL   ws://127.0.0.1:PORT/mqtt
#   QOSCOPE_MOSQUITTO_LIMITED_TCP_PORT PORT
# Their PIDs are in MOSQUITTO_PID and MOSQUITTO_LIMITED_PID.
# Run directly: `scripts/lib/mosquitto.sh [COMMAND...]` starts both brokers, then runs COMMAND with
# those variables set (e.g. `node --test tests/e2e/page.test.mjs`), or waits for Ctrl-C if none is
# given.
#
# Preset QOSCOPE_MOSQUITTO_TCP_PORT and QOSCOPE_MOSQUITTO_WS_PORT (QOSCOPE_MOSQUITTO_LIMITED_TCP_PORT
# and QOSCOPE_MOSQUITTO_LIMITED_WS_PORT for the limited broker) to choose the ports yourself.

# The limited broker's config on top of the common one (see `man 5 mosquitto.conf`), and what
# Mosquitto 2.0.11 does with it.
# General options; they apply to every listener:
# - retain_available false: Retain Available 0 in CONNACK; a PUBLISH with RETAIN 1 gets
#   DISCONNECT 0x9A (5.0) or a closed connection (3.1.1);
# - max_keepalive 10 (the lowest the manual allows): a 5.0 client asking for more, or for 0, is
#   told Server Keep Alive 10; 3.1.1 clients keep the keep alive they asked for;
# - max_packet_size 65536: room for every ordinary check, not for a 256 KiB payload. Declared to
#   5.0 clients; enforced on the TCP listener only (over WebSocket a larger packet gets through);
# - allow_zero_length_clientid false: an empty client id is refused (3.1.1 return code 2, 5.0
#   reason 0x80).
MOSQUITTO_LIMITED_GENERAL='retain_available false
max_keepalive 10
max_packet_size 65536
allow_zero_length_clientid false'
# Listener options, repeated under each listener (placed before the first `listener` line they
# would configure Mosquitto's implicit default listener instead, and max_qos there makes it open
# port 1883 on every interface):
# - max_qos 1: Maximum QoS 1 in CONNACK; a subscription at QoS 2 is granted 1; a PUBLISH at QoS 2
#   gets DISCONNECT 0x9B (5.0) or a closed connection (3.1.1);
# - max_topic_alias 2: Topic Alias Maximum 2; alias 3 gets DISCONNECT 0x94.
MOSQUITTO_LIMITED_LISTENER='max_qos 1
max_topic_alias 2'

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

# mosquitto_instance_start KEY GENERAL LISTENER: start one broker. KEY names the instance: "" for
# the default one, LIMITED for the limited one; its variables are QOSCOPE_MOSQUITTO${KEY:+_KEY}_*
# and MOSQUITTO${KEY:+_KEY}_PID / _DIR. GENERAL holds config lines for the top of the file,
# LISTENER lines for under each listener (either may be empty).
mosquitto_instance_start() {
  local key="$1" general="$2" listener="$3"
  local env="QOSCOPE_MOSQUITTO${key:+_$key}" state="MOSQUITTO${key:+_$key}"
  local name="mosquitto${key:+-${key,,}}"
  local tcp_var="${env}_TCP_PORT" ws_var="${env}_WS_PORT" pid_var="${state}_PID"
  local dir conf log tcp ws attempt pid preset=
  dir="$(mktemp -d -t "qoscope-$name.XXXXXX")"
  printf -v "${state}_DIR" '%s' "$dir"
  conf="$dir/mosquitto.conf" log="$dir/mosquitto.log"
  [ -n "${!tcp_var:-}" ] && [ -n "${!ws_var:-}" ] && preset=1
  # A free port can be taken by someone else between picking and binding it: retry with new ones.
  for attempt in 1 2 3; do
    if [ -n "$preset" ]; then
      tcp="${!tcp_var}" ws="${!ws_var}"
    else
      read -r tcp ws < <(free_ports 2) || true
    fi
    if [ -z "${ws:-}" ]; then
      printf 'error: could not pick free ports for %s\n' "$name" >&2
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
$general

listener $tcp 127.0.0.1
$listener

listener $ws 127.0.0.1
socket_domain ipv4
protocol websockets
$listener
CONF
    mosquitto -c "$conf" </dev/null 2>>"$log" &
    pid=$!
    printf -v "$pid_var" '%s' "$pid"
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      if port_open "$ws" && port_open "$tcp"; then
        export "${env}_WS_URL=ws://127.0.0.1:$ws/mqtt"
        export "${env}_TCP_PORT=$tcp"
        return 0
      fi
      sleep 0.1
    done
    mosquitto_instance_kill "$key"
    printf '%s did not come up on ports %s/%s (attempt %s); its log:\n' "$name" "$tcp" "$ws" "$attempt" >&2
    tail -n 20 "$log" >&2
    [ -z "$preset" ] || break
  done
  printf 'error: could not start %s\n' "$name" >&2
  return 1
}

# mosquitto_instance_kill KEY: stop that broker by PID (never by name: other brokers may run on
# this machine), waiting at most 5 s.
mosquitto_instance_kill() {
  local pid_var="MOSQUITTO${1:+_$1}_PID"
  local pid="${!pid_var:-}"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf -v "$pid_var" '%s' ''
}

# mosquitto_instance_stop KEY: stop that broker and remove its temp dir; its log is kept next to
# the other test artifacts, as target/e2e-artifacts/mosquitto.log (mosquitto-limited.log).
mosquitto_instance_stop() {
  local key="$1"
  local dir_var="MOSQUITTO${key:+_$key}_DIR" name="mosquitto${key:+-${key,,}}"
  local dir="${!dir_var:-}"
  mosquitto_instance_kill "$key"
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    if [ -n "${ROOT:-}" ] && [ -f "$dir/mosquitto.log" ]; then
      mkdir -p "$ROOT/target/e2e-artifacts"
      cp "$dir/mosquitto.log" "$ROOT/target/e2e-artifacts/$name.log"
    fi
    rm -rf "$dir"
  fi
  printf -v "$dir_var" '%s' ''
}

mosquitto_start() { mosquitto_instance_start "" "" ""; }
mosquitto_stop() { mosquitto_instance_stop ""; }
# Stops the default broker without touching its temp dir (scripts/bench starts its own).
mosquitto_kill() { mosquitto_instance_kill ""; }

mosquitto_limited_start() {
  mosquitto_instance_start LIMITED "$MOSQUITTO_LIMITED_GENERAL" "$MOSQUITTO_LIMITED_LISTENER"
}
mosquitto_limited_stop() { mosquitto_instance_stop LIMITED; }

mosquitto_stop_all() {
  mosquitto_limited_stop
  mosquitto_stop
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
  trap mosquitto_stop_all EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mosquitto_start
  printf 'mosquitto: QOSCOPE_MOSQUITTO_WS_URL=%s QOSCOPE_MOSQUITTO_TCP_PORT=%s (pid %s)\n' \
    "$QOSCOPE_MOSQUITTO_WS_URL" "$QOSCOPE_MOSQUITTO_TCP_PORT" "$MOSQUITTO_PID"
  mosquitto_limited_start
  printf 'mosquitto (limited): QOSCOPE_MOSQUITTO_LIMITED_WS_URL=%s QOSCOPE_MOSQUITTO_LIMITED_TCP_PORT=%s (pid %s)\n' \
    "$QOSCOPE_MOSQUITTO_LIMITED_WS_URL" "$QOSCOPE_MOSQUITTO_LIMITED_TCP_PORT" "$MOSQUITTO_LIMITED_PID"
  if [ $# -gt 0 ]; then
    "$@"
  else
    printf 'Press Ctrl-C to stop them.\n'
    # Returns when either broker ends.
    wait -n "$MOSQUITTO_PID" "$MOSQUITTO_LIMITED_PID"
  fi
fi
