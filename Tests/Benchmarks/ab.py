#!/usr/bin/env python3
"""A/B of two builds of our server, alternating: the same h2load driver as bench.py (server on CPU 1,
h2load on CPU 0), the pass-through and the demo-claim bodies, 1x1 and 1x100, ROUNDS rounds of
A then B. On a machine whose speed drifts, alternating rounds is what makes the two comparable.

    swift build -c release --static-swift-stdlib --product function-secrets --scratch-path .build-static
    cp .build-static/release/function-secrets /tmp/fs-before      # then change the code and rebuild
    Tests/Benchmarks/ab.py /tmp/fs-before .build-static/release/function-secrets --rounds 4
"""
import argparse
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "InteropTests", "Clients"))
import bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--duration", type=int, default=3)
    a = ap.parse_args()
    bins = {"before": os.path.abspath(a.before), "after": os.path.abspath(a.after)}
    bodies = bench.requests()
    work = tempfile.mkdtemp(prefix="fs-ab-")
    files = {}
    for case in ["passthrough", "cluster"]:
        files[case] = os.path.join(work, case + ".bin")
        with open(files[case], "wb") as f:
            f.write(bench.framed(bodies[case]))
    points = [(1, 1), (1, 100)]
    res = {}
    port = 19443
    for _ in range(a.rounds):
        for name, binary in bins.items():
            port += 1
            srv = bench.Server(name, [binary, "--insecure", "--address", f"127.0.0.1:{port}", "--metrics-address", "",
                                      "--max-connection-age", "0"], port, work)
            try:
                url = f"http://127.0.0.1:{port}/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
                for case in files:
                    for c, m in points:
                        r = bench.h2load(url, files[case], c, m, a.duration, 1, work)
                        if r["failed"]:
                            sys.exit(f"{name} {case} {c}x{m}: {r['failed']} calls failed")
                        res.setdefault((case, c, m, name), []).append(r)
            finally:
                srv.stop()
    print("| request | c x m | before req/s (median; runs) | after req/s (median; runs) | p99 ms before / after | after / before |")
    print("|---|---|---|---|---|---|")
    for case in files:
        for c, m in points:
            cells, med, p99 = [], {}, {}
            for name in bins:
                rs = res[(case, c, m, name)]
                med[name] = statistics.median(r["rps"] for r in rs)
                p99[name] = statistics.median(r["p99"] for r in rs)
                cells.append(f"{med[name]:,.0f}; " + ", ".join(f"{r['rps']:,.0f}" for r in rs))
            print(f"| {case} | {c}x{m} | {cells[0]} | {cells[1]} | {p99['before']:.3f} / {p99['after']:.3f} "
                  f"| {med['after'] / med['before']:.3f} |")


if __name__ == "__main__":
    main()
