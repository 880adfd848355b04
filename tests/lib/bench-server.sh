# The one-machine server the release benchmarks load (tests/bench-counter, tests/bench-household):
# one office `u1`, one service `s`, 5-minute slots 08:00-18:00 on weekdays, 50 desks (6,000 seats
# a day), data in a temporary folder. Source it, then `start_bench_server ENV...` (each ENV a
# NAME=VALUE for the server); it sets $base and $work and stops the server on exit.
source "$(dirname "${BASH_SOURCE[0]}")/dynamodb-local.sh"   # for free_port

work=$(mktemp -d)
server_pid=
stop_bench_server() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap stop_bench_server EXIT

cat >"$work/catalogue.toml" <<'TOML'
[city]
name = "Benchmark"
[[offices]]
id = "u1"
name = "Ufficio"
address = "Via Roma 1"
lat = 45.69
lon = 9.67
[[services]]
id = "s"
name = { it = "Servizio", en = "Service" }
summary = { it = "x", en = "x" }
terms = { it = "x", en = "x" }
access_rules = { it = "x", en = "x" }
what_to_bring = { it = [], en = [] }
[[offerings]]
office = "u1"
service = "s"
slot_minutes = 5
desks = 50
[offerings.hours]
mon = ["08:00-18:00"]
tue = ["08:00-18:00"]
wed = ["08:00-18:00"]
thu = ["08:00-18:00"]
fri = ["08:00-18:00"]
TOML

port=$(free_port)
export PRENOTA_ADDR="127.0.0.1:$port" PRENOTA_DATA="$work/data" PRENOTA_CATALOGUE="$work/catalogue.toml"
base="http://127.0.0.1:$port"

# Starts target/release/prenota with the extra settings given, and waits for its port.
start_bench_server() {
    env "$@" RUST_LOG=warn target/release/prenota >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 80); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
        sleep 0.25
    done
    echo "the server did not start:" >&2
    cat "$work/server.log" >&2
    return 1
}
