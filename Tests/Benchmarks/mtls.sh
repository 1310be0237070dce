#!/usr/bin/env bash
# mTLS against h2c, side by side with the grpc-go client (Crossplane core's stack), on one
# connection: the server on CPU 1, the client on CPU 0, alternating runs, median of REPEAT.
#   Tests/Benchmarks/mtls.sh            # 10 s per run, c=10, 3 repeats, a 10 KB pass-through request
#   DURATION=5 CONC=1 REPEAT=5 Tests/Benchmarks/mtls.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
clients=$root/Tests/InteropTests/Clients
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
(cd "$root" && swift build -c release --product function-secrets >/dev/null)
"$clients/goclient/build.sh" "$work/goclient"
"$clients/mkcerts.sh" "$work/certs"
python3 - "$work/req.pb" <<'PY'
import sys
sys.path.insert(0, sys.argv[0])
from crossplane.function.proto.v1 import run_function_pb2 as v1
r = v1.RunFunctionRequest()
r.meta.tag = "bench"
r.observed.composite.resource.update({"apiVersion": "platform.example.org/v1alpha1", "kind": "XWebApp", "metadata": {"name": "web"}})
for i in range(24):
    r.desired.resources[f"bucket-{i}"].resource.update({"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
        "metadata": {"name": f"web-assets-{i}", "labels": {"team": "web"}}, "spec": {"forProvider": {"region": "eu-west-1", "tags": {"a": "b"}}}})
open(sys.argv[1], "wb").write(r.SerializeToString())
PY
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
h2c=$(port); tls=$(port)
taskset -c 1 "$root/.build/release/function-secrets" --insecure --address "127.0.0.1:$h2c" --metrics-address "" --max-connection-age 0 2>/dev/null & pids+=($!)
taskset -c 1 "$root/.build/release/function-secrets" --tls-certs-dir "$work/certs/server" --address "127.0.0.1:$tls" --metrics-address "" --max-connection-age 0 2>/dev/null & pids+=($!)
sleep 1
D=${DURATION:-10}s C=${CONC:-10}
# The client may saturate first (grpc-go's TLS tops out near 18k calls/s here), so the server's own
# CPU time per call is recorded too: utime + stime in clock ticks from /proc.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() {  # kind pid goclient-args...
  local kind=$1 pid=$2; shift 2
  local before after
  before=$(cpu "$pid")
  out=$(taskset -c 0 "$work/goclient" "$@" -body "$work/req.pb" -c "$C" -d "$D")
  after=$(cpu "$pid")
  echo "$kind $(echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); d['server_cpu_s']=($after-$before)/$(getconf CLK_TCK); print(json.dumps(d))")"
}
for i in $(seq "${REPEAT:-3}"); do
  run h2c "${pids[0]}" -addr "127.0.0.1:$h2c"
  run mtls "${pids[1]}" -addr "localhost:$tls" -tls-dir "$work/certs/client"
done | tee "$work/runs"
python3 - "$work/runs" <<'PY'
import json, statistics, sys
runs = {"h2c": [], "mtls": []}
for line in open(sys.argv[1]):
    kind, js = line.split(" ", 1)
    runs[kind.strip()].append(json.loads(js))
med = {k: statistics.median(r["req_s"] for r in v) for k, v in runs.items()}
p99 = {k: statistics.median(r["p99_ms"] for r in v) for k, v in runs.items()}
print(f"h2c  median {med['h2c']:,.0f} req/s (p99 {p99['h2c']:.2f} ms)")
print(f"mTLS median {med['mtls']:,.0f} req/s (p99 {p99['mtls']:.2f} ms)")
print(f"mTLS costs {100 * (1 - med['mtls'] / med['h2c']):.1f}% of h2c throughput (client-bound when the client saturates)")
per = {k: statistics.median(1e6 * r["server_cpu_s"] / r["calls"] for r in v) for k, v in runs.items()}
print(f"server CPU per call: h2c {per['h2c']:.1f} us, mTLS {per['mtls']:.1f} us: mTLS costs {100 * (per['mtls'] / per['h2c'] - 1):.1f}% more server CPU per call")
PY
