#!/usr/bin/env python3
"""Soak run: h2load drives the release server at 1 connection x 100 streams for a bounded time (default 10 min)
while the server's resident memory is sampled every 10 s. Memory must be flat: its peak in the last minute may not
exceed its peak in the second minute by more than --tolerance MiB. Every call must end with grpc-status 0 (the server's own count, logged at
SIGTERM). The server is on CPU 1, h2load on CPU 0.

    Tests/Benchmarks/soak.py                          # demo aws ClusterClaim (full render), 600 s
    Tests/Benchmarks/soak.py --request passthrough --duration 120

Needs h2load (nghttp2-client) and the interop clients' Python packages (Tests/setup.sh).
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import PATH, ROOT, framed, free_port, requests, wait_port  # noqa: E402


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=600, help="seconds of load (default 600)")
    ap.add_argument("--request", choices=["cluster", "passthrough"], default="cluster")
    ap.add_argument("--interval", type=int, default=10, help="seconds between RSS samples")
    ap.add_argument("--tolerance", type=float, default=2.0, help="MiB of peak growth allowed (default 2)")
    args = ap.parse_args()
    if args.duration < 180:
        ap.error("--duration must be at least 180 s (the first minute is warm-up, the second the reference)")

    # The binary the image ships (Dockerfile): the Swift runtime linked statically.
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "function-secrets",
                    "--scratch-path", ".build-static"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build-static", "release", "function-secrets")
    work = tempfile.mkdtemp(prefix="fs-soak-")
    body = os.path.join(work, "request.grpc")
    with open(body, "wb") as f:
        f.write(framed(requests()[args.request]))
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w+")
    # h2load keeps one connection and does not reconnect after a GOAWAY: no max connection age.
    server = subprocess.Popen(["taskset", "-c", "1", binary, "--insecure", "--address", f"127.0.0.1:{port}",
                               "--metrics-address", "", "--max-connection-age", "0"], stderr=log, stdout=subprocess.DEVNULL)
    wait_port(port)
    load = subprocess.Popen(["taskset", "-c", "0", "h2load", "-c", "1", "-m", "100", "-D", str(args.duration),
                             "-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers",
                             f"http://127.0.0.1:{port}{PATH}"], stdout=subprocess.PIPE, text=True)
    print(f"soak: {args.request} request, 1x100, {args.duration} s; RSS every {args.interval} s")
    print("  t (s) | RSS MiB | peak MiB")
    samples = []
    start = time.monotonic()
    while load.poll() is None and time.monotonic() - start < args.duration + 60:
        time.sleep(args.interval)
        t = time.monotonic() - start
        rss, hwm = rss_mib(server.pid)
        samples.append((t, rss))
        print(f"  {t:5.0f} | {rss:7.1f} | {hwm:8.1f}", flush=True)
    out, _ = load.communicate(timeout=120)
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    log.seek(0)
    stopped = [json.loads(line) for line in log if '"msg":"stopped"' in line]
    counts = json.loads(stopped[-1]["callsByStatus"]) if stopped else {}
    summary = next((line for line in out.splitlines() if line.startswith("requests:")), "no h2load summary")
    rate = next((line for line in out.splitlines() if line.startswith("finished in")), "")
    print(f"h2load: {rate}\n        {summary}")
    print(f"server calls by grpc-status: {counts}")

    # Flat: the peak of the last minute under load against the peak of the second minute. Peaks, not
    # single samples, because the allocator returns and takes back a megabyte or two as load shifts.
    early = [rss for t, rss in samples if 60 <= t < 120]
    late = [rss for t, rss in samples if args.duration - 60 <= t <= args.duration]
    growth = max(late) - max(early) if early and late else float("nan")
    print(f"RSS peak in the second minute: {max(early):.1f} MiB, in the last minute: {max(late):.1f} MiB, "
          f"growth {growth:+.1f} MiB (all samples under load: min {min(r for t, r in samples if t <= args.duration):.1f}, "
          f"max {max(r for t, r in samples if t <= args.duration):.1f})")
    ok = set(counts) == {"0"} and counts["0"] > 0 and growth <= args.tolerance
    print("soak: PASS" if ok else "soak: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
