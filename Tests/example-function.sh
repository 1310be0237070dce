#!/usr/bin/env bash
# The SDK as another team uses it: builds examples/function-hello (its own package, depending on
# this checkout by path), runs its own tests, then serves it on 127.0.0.1 and calls it over the
# wire with grpcio (Tests/InteropTests/Clients/test_hello.py). Called by Tests/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/examples/function-hello"
swift build --package-path "$pkg" --build-tests
swift test --package-path "$pkg" --skip-build

log=$(mktemp)
"$pkg/.build/debug/function-hello" --insecure --address 127.0.0.1:0 --metrics-address "" 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
address=
for _ in $(seq 100); do
  address=$(grep '"msg":"serving"' "$log" | grep -o '"address":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
  [ -n "$address" ] && break
  sleep 0.1
done
if [ -z "$address" ]; then
  echo "function-hello did not start:" >&2
  cat "$log" >&2
  exit 1
fi
cd "$root/Tests/InteropTests/Clients"
FS_ADDRESS="$address" "${PYTHON:-python3}" -m pytest -q -p no:cacheprovider test_hello.py
