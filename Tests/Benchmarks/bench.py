#!/usr/bin/env python3
"""Side-by-side HTTP/2 benchmark of function-secrets against the peers in ../shared/peers.

For each request and each server, one at a time, the server is pinned to CPU 1 and h2load to CPU 0;
h2load runs -D seconds after a warm-up at each connections x streams point; percentiles come from
h2load's per-request log. Every server's first answer is checked for grpc-status 0 with curl, and
after the runs our server's own count of calls by status must be all 0. Peak RSS is the server's
VmHWM. Each point is repeated and the median run (by req/s) is printed, with ratios against ours.

    Tests/Benchmarks/bench.py                           # passthrough + cluster-distinct, 1x1 1x10 1x100, 10 s, 3 repeats
    Tests/Benchmarks/bench.py --duration 5 --repeat 1 --matrix 1x1,1x100
    Tests/Benchmarks/bench.py --peers /path/to/peers    # default: ../shared/peers beside the repo

The pass-through and single-claim cases are driven by h2load. "cluster-distinct" sends the demo aws ClusterClaim
under 1,000 different names (spec.id rotates, so every answer is a fresh render) with our grpc-go client
(Tests/InteropTests/Clients/goclient, the stack Crossplane core uses), since h2load sends one body; the same client
drives every server in that case, so the ratios stay like for like.

Servers: ours (release build with the Swift runtime linked statically, as the Dockerfile builds it), the Python SDK peer (python-function/main.py, the same composition),
goserver (grpc-go answering with fixed bytes: the peer's own answer to the same request) and nghttpd
serving those response bytes as a static file (the HTTP/2 limit of this machine), twice: to GETs, as
the issue defines the reference (no request body to read), and to POSTs of the same request body
(nghttpd-static-post: the same bytes in and out as a RunFunction call).
Needs: h2load and nghttpd (nghttp2-client, nghttp2-server), curl, the peers set up (peers/setup.sh).
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PATH = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
sys.path.insert(0, os.path.join(ROOT, "Tests", "InteropTests", "Clients"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def requests():
    """Serialized RunFunctionRequests: a pass-through (XWebApp, ~10 KB desired) and the demo aws claim."""
    from crossplane.function.proto.v1 import run_function_pb2 as v1
    from test_claims import DEMO_CLUSTER, struct
    pt = v1.RunFunctionRequest()
    pt.meta.tag = "bench"
    pt.observed.composite.resource.CopyFrom(struct({"apiVersion": "platform.example.org/v1alpha1", "kind": "XWebApp", "metadata": {"name": "web"}}))
    for i in range(24):
        pt.desired.resources[f"bucket-{i:02d}"].resource.CopyFrom(struct({
            "apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
            "metadata": {"name": f"web-assets-{i}", "labels": {"team": "web", "tier": "static"},
                         "annotations": {"crossplane.io/external-name": f"acme-web-assets-{i}-eu-west-1"}},
            "spec": {"forProvider": {"region": "eu-west-1", "tags": {"team": "web", "cost-center": "cc-1234"}}}}))
    pt.context.CopyFrom(struct({"apiextensions.crossplane.io/environment": {"region": "eu-west-1"}}))
    cl = v1.RunFunctionRequest()
    cl.meta.tag = "bench"
    cl.observed.composite.resource.CopyFrom(struct(DEMO_CLUSTER))
    cl.input.CopyFrom(struct({"apiVersion": "secrets.fn.crossplane.io/v1beta1", "kind": "Input"}))
    cl.context.CopyFrom(struct({}))
    # The same claim under 1,000 names: spec.id, the XR name and the claim name differ from call to call, so
    # every answer is rendered afresh (nothing could be cached).
    distinct = []
    for i in range(1000):
        claim = json.loads(json.dumps(DEMO_CLUSTER))
        claim["metadata"]["name"] = f"team-{i:03d}-cluster-x7k2p"
        claim["spec"]["id"] = f"team-{i:03d}-cluster"
        claim["metadata"].setdefault("labels", {})["crossplane.io/claim-name"] = f"team-{i:03d}-cluster"
        r = v1.RunFunctionRequest()
        r.meta.tag = f"bench-{i}"
        r.observed.composite.resource.CopyFrom(struct(claim))
        r.input.CopyFrom(struct({"apiVersion": "secrets.fn.crossplane.io/v1beta1", "kind": "Input"}))
        r.context.CopyFrom(struct({}))
        distinct.append(r.SerializeToString())
    return {"passthrough": pt.SerializeToString(), "cluster": cl.SerializeToString(), "cluster-distinct": distinct}


def framed(b):
    return b"\x00" + len(b).to_bytes(4, "big") + b


class Server:
    def __init__(self, name, argv, port, workdir):
        self.name, self.port = name, port
        self.log = open(os.path.join(workdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen(["taskset", "-c", "1", *argv], stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(port)

    def peak_rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def grpc_status(url, body_file):
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "--http2-prior-knowledge", "--data-binary", "@" + body_file,
                          "-H", "content-type: application/grpc", "-H", "te: trailers", "-o", "/dev/null",
                          "-w", "%header{grpc-status}", url], capture_output=True, text=True)
    return out.stdout.strip()


def h2load(url, body_file, c, m, duration, warmup, workdir):
    log = os.path.join(workdir, "h2load.log")
    if os.path.exists(log):
        os.remove(log)   # h2load appends to an existing log
    argv = ["taskset", "-c", "0", "h2load", "-c", str(c), "-m", str(m), "-D", str(duration), "--warm-up-time", str(warmup),
            "--log-file", log]
    if body_file:
        argv += ["-d", body_file, "-H", "content-type: application/grpc", "-H", "te: trailers"]
    out = subprocess.run(argv + [url], capture_output=True, text=True, timeout=duration + warmup + 60).stdout
    m_ok = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored", out)
    rps = float(re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", out).group(1))
    lat = []
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "200":
                lat.append(int(parts[2]) / 1000.0)
    lat.sort()
    pct = lambda p: lat[max(0, min(len(lat) - 1, int(math.ceil(p / 100 * len(lat))) - 1))] if lat else float("nan")
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "max": lat[-1] if lat else float("nan"),
            "ok": int(m_ok.group(1)), "failed": int(m_ok.group(2)) + int(m_ok.group(3))}


def goclient(binary, addr, bodies_dir, streams, duration, warmup, check_tag=True):
    """grpc-go client (Crossplane core's stack) on one connection with `streams` calls in flight, rotating over
    distinct requests: h2load cannot vary the body. Every answer is checked for status OK and its own tag."""
    out = subprocess.run(["taskset", "-c", "0", binary, "-addr", addr, "-bodies", bodies_dir, "-c", str(streams),
                          "-d", f"{duration}s", "-warmup", f"{warmup}s", f"-check-tag={str(check_tag).lower()}"],
                         capture_output=True, text=True,
                         timeout=duration + warmup + 60)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {"rps": r["req_s"], "p50": r["p50_ms"], "p99": r["p99_ms"], "max": r["max_ms"], "ok": r["ok"],
            "failed": r["calls"] - r["ok"]}


def cold_start(argv_for_port, body, runs=5):
    """Milliseconds from spawning the server to the first RunFunction answer with grpc-status 0 (median of
    `runs`): connects are retried every 0.2 ms until the listener is up."""
    import h2.config
    import h2.connection
    import h2.events
    times = []
    for _ in range(runs):
        port = free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv_for_port(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                    break
                except OSError:
                    if time.perf_counter() - t0 > 10:
                        raise RuntimeError("the server did not listen within 10 s")
                    time.sleep(0.0002)
            conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
            conn.initiate_connection()
            conn.send_headers(1, [(":method", "POST"), (":scheme", "http"), (":path", PATH), (":authority", "localhost"),
                                  ("content-type", "application/grpc"), ("te", "trailers")])
            conn.send_data(1, framed(body), end_stream=True)
            sock.sendall(conn.data_to_send())
            status = None
            while status is None:
                data = sock.recv(65536)
                if not data:
                    raise RuntimeError("connection closed before the answer")
                for e in conn.receive_data(data):
                    if isinstance(e, h2.events.TrailersReceived):
                        status = dict(e.headers).get(b"grpc-status")
                    elif isinstance(e, h2.events.DataReceived):
                        conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                sock.sendall(conn.data_to_send())
            times.append((time.perf_counter() - t0) * 1000)
            sock.close()
            if status != b"0":
                raise RuntimeError(f"grpc-status {status!r}")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--matrix", default="1x1,1x10,1x100")
    ap.add_argument("--cases", default="passthrough,cluster-distinct",
                    help="passthrough, cluster (one request, h2load), cluster-distinct (1,000 requests, grpc-go client)")
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "peers"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-cold-start", action="store_true", help="skip the spawn-to-first-answer measurement")
    ap.add_argument("--max-connection-age", default="0",
                    help="our server's --max-connection-age (default 0: h2load does not reconnect after a GOAWAY)")
    a = ap.parse_args()
    peers = os.path.abspath(a.peers)
    if not a.no_build:
        # The binary the image ships (Dockerfile): the Swift runtime linked statically.
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "function-secrets",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)
    ours_bin = os.path.join(ROOT, ".build-static", "release", "function-secrets")
    work = tempfile.mkdtemp(prefix="fs-bench-")
    bodies = requests()
    results = []
    matrix = [tuple(map(int, p.split("x"))) for p in a.matrix.split(",")]
    gobin = None
    if "cluster-distinct" in a.cases:
        gobin = os.path.join(work, "goclient")
        subprocess.run([os.path.join(ROOT, "Tests", "InteropTests", "Clients", "goclient", "build.sh"), gobin], check=True,
                       stdout=subprocess.DEVNULL)
    for case in a.cases.split(","):
        body_file = os.path.join(work, f"{case}.grpc")
        first = bodies[case][0] if isinstance(bodies[case], list) else bodies[case]
        with open(body_file, "wb") as f:
            f.write(framed(first))
        loader = None
        if isinstance(bodies[case], list):
            distinct_dir = os.path.join(work, case)
            os.makedirs(distinct_dir, exist_ok=True)
            for i, b in enumerate(bodies[case]):
                with open(os.path.join(distinct_dir, f"{i:04d}.pb"), "wb") as f:
                    f.write(b)
            loader = lambda addr, c, m, dur, warm, fixed=False: goclient(gobin, addr, distinct_dir, c * m, dur, warm,
                                                                         check_tag=not fixed)
        # The peer's answer to this request, served as fixed bytes by goserver and nghttpd.
        servers = [("function-secrets", lambda p: [ours_bin, "--insecure", "--address", f"127.0.0.1:{p}", "--metrics-address", "",
                                                   "--max-connection-age", a.max_connection_age])]
        py_main = os.path.join(peers, "python-function", "main.py")
        python = os.path.join(peers, ".venv", "bin", "python")
        python = python if os.path.exists(python) else sys.executable
        if os.path.exists(py_main):
            servers.append(("python-sdk-peer", lambda p: [python, py_main, "--insecure", "--address", f"127.0.0.1:{p}"]))
        answer = os.path.join(work, f"{case}.rsp")
        goserver = os.path.join(peers, "bin", "goserver")
        for name, argv in servers:
            port = free_port()
            srv = Server(name, argv(port), port, work)
            url = f"http://127.0.0.1:{port}{PATH}"
            status = grpc_status(url, body_file)
            if status != "0":
                raise SystemExit(f"{name}: grpc-status {status!r} for {case}")
            if name == "python-sdk-peer" or (name == "function-secrets" and not os.path.exists(answer)):
                subprocess.run(["curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + body_file, "-H", "content-type: application/grpc",
                                "-H", "te: trailers", "-o", answer + ".framed", url], check=True)
                with open(answer + ".framed", "rb") as f:
                    data = f.read()[5:]
                with open(answer, "wb") as f:
                    f.write(data)
            bench(results, case, name, srv, url, body_file, matrix, a, loader)
            srv.stop()
            if name == "function-secrets":
                line = [l for l in open(os.path.join(work, f"{name}.log")) if '"msg":"stopped"' in l]
                counts = json.loads(json.loads(line[-1])["callsByStatus"]) if line else {}
                if set(counts) != {"0"}:
                    raise SystemExit(f"function-secrets answered with other statuses: {counts}")
        if os.path.exists(goserver):
            port = free_port()
            srv = Server("grpc-go-fixed", [goserver, "-addr", f"127.0.0.1:{port}", "-response", answer], port, work)
            fixed = loader and (lambda addr, c, m, dur, warm: loader(addr, c, m, dur, warm, fixed=True))
            bench(results, case, "grpc-go-fixed", srv, f"http://127.0.0.1:{port}{PATH}", body_file, matrix, a, fixed)
            srv.stop()
        if shutil.which("nghttpd") and loader is None:   # a static file cannot answer distinct requests
            static = os.path.join(work, "static")
            os.makedirs(static, exist_ok=True)
            shutil.copy(answer, os.path.join(static, "answer"))
            # Twice: as GETs (the reference: the answer's bytes out, nothing in), and as POSTs of
            # the same request body (the same bytes in and out as a RunFunction call: HTTP/2 alone).
            for name, body in (("nghttpd-static", None), ("nghttpd-static-post", body_file)):
                port = free_port()
                srv = Server(name, ["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", static, str(port)], port, work)
                bench(results, case, name, srv, f"http://127.0.0.1:{port}/answer", body, matrix, a)
                srv.stop()
    print_table(results)
    if not a.no_cold_start:
        ours = cold_start(lambda p: [ours_bin, "--insecure", "--address", f"127.0.0.1:{p}", "--metrics-address", ""],
                          bodies["cluster"])
        print(f"\ncold start to the first answer (demo aws ClusterClaim, median of 5): function-secrets {ours:.1f} ms")
    shutil.rmtree(work, ignore_errors=True)


def bench(results, case, name, srv, url, body_file, matrix, a, loader=None):
    for c, m in matrix:
        if loader:
            runs = [loader(f"127.0.0.1:{srv.port}", c, m, a.duration, a.warmup) for _ in range(a.repeat)]
        else:
            runs = [h2load(url, body_file, c, m, a.duration, a.warmup, os.path.dirname(srv.log.name)) for _ in range(a.repeat)]
        runs.sort(key=lambda r: r["rps"])
        med = runs[len(runs) // 2]
        med["range"] = (runs[0]["rps"], runs[-1]["rps"])
        med.update(case=case, server=name, point=f"{c}x{m}", rss=srv.peak_rss_mib())
        results.append(med)
        print(f"  {case:12} {name:17} {c}x{m:<4} {med['rps']:>9.0f} req/s  p50 {med['p50']:.3f} ms  p99 {med['p99']:.3f} ms  failed {med['failed']}", file=sys.stderr)


def print_table(results):
    print("| request | server | c x m | req/s (median, range) | p50 ms | p99 ms | max ms | peak RSS MiB | ours / this |")
    print("|---|---|---|---|---|---|---|---|---|")
    ours = {(r["case"], r["point"]): r for r in results if r["server"] == "function-secrets"}
    for r in results:
        o = ours.get((r["case"], r["point"]))
        ratio = f"{o['rps'] / r['rps']:.2f}x" if o and r["rps"] else "-"
        lo, hi = r["range"]
        print(f"| {r['case']} | {r['server']} | {r['point']} | {r['rps']:,.0f} ({lo:,.0f}-{hi:,.0f}) | {r['p50']:.3f} | {r['p99']:.3f} | "
              f"{r['max']:.2f} | {r['rss']:.1f} | {ratio} |")


if __name__ == "__main__":
    main()
