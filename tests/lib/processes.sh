# Sourced by the scripts under tests/: the helpers every background server shares.

# A free TCP port of 127.0.0.1.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until something answers on 127.0.0.1:PORT while PID lives; prints LOG_FILE if it does not.
wait_for_port() {
    local name=$1 port=$2 pid=$3 log_file=$4
    for _ in $(seq 1 120); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name exited at start; its log:" >&2
            cat "$log_file" >&2
            return 1
        fi
        sleep 0.25
    done
    echo "$name did not open port $port in 30 s; its log:" >&2
    cat "$log_file" >&2
    return 1
}

# Stops the process whose pid the variable named NAME holds, and empties it.
stop_process() {
    local name=$1
    local pid=${!name:-}
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        printf -v "$name" '%s' ''
    fi
}
