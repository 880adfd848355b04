"""Measures a Lambda binary's init locally: the time from the process's start to its first call of
the Lambda Runtime API (`GET /2018-06-01/runtime/invocation/next`), which it makes once its init
is done (settings read, AWS configuration loaded, clients built, catalogue and secrets read).

Usage: lambda_init.py RUNS BINARY...  (the AWS and PRENOTA variables come from the environment)
Prints one line per binary: name, median and slowest init in milliseconds."""

import http.server
import os
import statistics
import subprocess
import sys
import threading
import time

ready = threading.Event()
ready_at = [0.0]


class RuntimeApi(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/runtime/invocation/next"):
            ready_at[0] = time.perf_counter()
            ready.set()
            # No invocation is coming: hold the request until the process is stopped.
            time.sleep(30)

    def log_message(self, *args):
        pass


def measure(binary, port):
    ready.clear()
    environment = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{port}",
                       AWS_LAMBDA_FUNCTION_NAME=os.path.basename(binary))
    started = time.perf_counter()
    process = subprocess.Popen([binary], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if not ready.wait(20):
            process.kill()
            sys.exit(f"{binary} did not reach the Runtime API: {process.stderr.read().decode()[-2000:]}")
        return (ready_at[0] - started) * 1000
    finally:
        process.kill()
        process.wait()


def main():
    runs = int(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    for binary in sys.argv[2:]:
        measure(binary, port)  # the first start reads the binary from disk
        times = [measure(binary, port) for _ in range(runs)]
        print(f"{os.path.basename(binary)}\t{statistics.median(times):.1f}\t{max(times):.1f}", flush=True)


if __name__ == "__main__":
    main()
