# Sourced by tests/run: installs moto server and aiosmtpd into the test tools' Python venv and
# starts moto server (SES v2, SNS, EventBridge Scheduler) on a free port of 127.0.0.1, exported as
# PRENOTA_MOTO_ENDPOINT=http://127.0.0.1:PORT; `stop_moto` stops it. The delivery tests start their
# own loopback SMTP servers (tests/lib/smtp_sink.py) with the venv's Python, one per test.
# See tests/lib/MOTO-NOTES.md for what moto keeps and where to read it back.

MAIL_SERVICES_MOTO_VERSION=5.2.5
MAIL_SERVICES_AIOSMTPD_VERSION=1.4.6
MAIL_SERVICES_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The venv may already hold other tools (tests/run puts schemathesis there): only add to it.
install_python_tools() {
    local venv=$1
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    if [ -x "$venv/bin/moto_server" ] && "$venv/bin/python" - "$MAIL_SERVICES_MOTO_VERSION" "$MAIL_SERVICES_AIOSMTPD_VERSION" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
import aiosmtpd
sys.exit(0 if (version("moto"), version("aiosmtpd")) == (sys.argv[1], sys.argv[2]) else 1)
EOF
    then
        return 0
    fi
    echo "installing moto[server]==$MAIL_SERVICES_MOTO_VERSION and aiosmtpd==$MAIL_SERVICES_AIOSMTPD_VERSION into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "moto[server]==$MAIL_SERVICES_MOTO_VERSION" "aiosmtpd==$MAIL_SERVICES_AIOSMTPD_VERSION"
}

source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

start_moto() {
    local venv=$1 log_file=$2
    install_python_tools "$venv"
    local port
    port=$(free_port)
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log_file" 2>&1 &
    MOTO_PID=$!
    wait_for_port "moto server" "$port" "$MOTO_PID" "$log_file" || return 1
    # The port opens before the first request is served: wait for a real HTTP answer too.
    local answered=
    for _ in $(seq 1 40); do
        if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=2)" 2>/dev/null; then
            answered=1
            break
        fi
        sleep 0.25
    done
    if [ -z "$answered" ]; then
        echo "moto server opened port $port but does not answer HTTP; its log:" >&2
        cat "$log_file" >&2
        return 1
    fi
    export PRENOTA_MOTO_ENDPOINT="http://127.0.0.1:$port"
    echo "moto server is up at $PRENOTA_MOTO_ENDPOINT (pid $MOTO_PID)"
}

stop_moto() {
    stop_process MOTO_PID
}
