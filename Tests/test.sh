#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs the prerequisites, then runs `swift test`
# (unit tests, golden files, and interop tests that drive the real binary with grpcio, grpc-go,
# curl, h2load and raw HTTP/2 frames on 127.0.0.1), then builds, tests and calls the example
# function examples/function-hello (Tests/example-function.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/Tests/setup.sh"
cd "$root"
swift test "$@"
"$root/Tests/example-function.sh"
