#!/usr/bin/env bash
# Proves the Dockerfile's runtime stage without a Docker engine: a minimal Debian bookworm root file
# system (debootstrap --variant=minbase) holding only what the Dockerfile installs (libssl3, zlib1g),
# the binary built as the Dockerfile builds it (--static-swift-stdlib), run in a chroot as the
# image's numeric user, then called: gRPC health and RunFunction over h2c, and `render`.
# Needs root and the machine's Debian package mirror. Ends with 'N passed, N failed'.
#   Tests/RuntimeImage/chroot-test.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "chroot-test: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  mountpoint -q "$work/rootfs/proc" 2>/dev/null && umount "$work/rootfs/proc"
  rm -rf "$work"
}
trap cleanup EXIT
pass=0 fail=0
check() { local name=$1; shift; if "$@"; then echo "ok   - $name"; pass=$((pass+1)); else echo "FAIL - $name"; fail=$((fail+1)); fi; }

echo "chroot-test: debootstrap bookworm (minbase + libssl3 zlib1g)"
debootstrap --variant=minbase --include=libssl3,zlib1g bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log"; exit 1; }
(cd "$repo" && swift build -c release --static-swift-stdlib --product function-secrets --scratch-path .build-static >/dev/null)
install -m 0755 "$repo/.build-static/release/function-secrets" "$work/rootfs/function-secrets"
cp -r "$repo/examples" "$work/rootfs/examples"
# A container always has /proc; the statically linked Swift runtime reads its arguments from it.
mount -t proc proc "$work/rootfs/proc"

check "every library the binary links is in the image" bash -c "! chroot '$work/rootfs' /usr/bin/ldd /function-secrets | grep -q 'not found'"
check "render runs in the image as uid 65532" bash -c "chroot --userspec=65532:65532 '$work/rootfs' /function-secrets render /examples/claims/cluster-aws.yaml --composition /examples/compositions/cluster-aws.yaml | grep -q 'kind: CompositeCluster'"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chroot --userspec=65532:65532 "$work/rootfs" /function-secrets --insecure --address "127.0.0.1:$port" --metrics-address "" 2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port" --http2-prior-knowledge && break; sleep 0.1; done
printf '\0\0\0\0\0' > "$work/empty.grpc"
grpc() { curl -sS --max-time 10 --http2-prior-knowledge --data-binary @"$work/empty.grpc" -H 'content-type: application/grpc' -H 'te: trailers' \
  -o /dev/null -w '%header{grpc-status}' "http://127.0.0.1:$port$1"; }
check "gRPC health check is SERVING" test "$(grpc /grpc.health.v1.Health/Check)" = 0
check "RunFunction answers (an empty request gets its Fatal result with grpc-status 0)" test "$(grpc /apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction)" = 0
kill -TERM "$pid"
check "SIGTERM: the server exits 0" wait "$pid"
pid=
echo "chroot-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
