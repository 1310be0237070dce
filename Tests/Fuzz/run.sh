#!/usr/bin/env bash
# Fuzzes the three parsers a peer can reach, each for a bounded number of executions, with libFuzzer
# and AddressSanitizer:
#   hpack    the HPACK decoder (Tests/Fuzz/FuzzHPACK)
#   http2    the frame parser and connection state machine (Tests/Fuzz/FuzzHTTP2, driven by
#            Tests/HTTP2TestSupport/ConnectionDriver.swift, which the regression tests replay)
#   request  RunFunction request decoding and the whole handler (Tests/Fuzz/FuzzRequest)
#
#   Tests/Fuzz/run.sh [RUNS] [TARGET...]      RUNS defaults to 1000000 per target; targets default to all three
#
# The libraries are built instrumented into .build-fuzz with SwiftPM; each target is then linked by
# swiftc with libFuzzer's main. Seeds are written fresh into the corpus folder (.build-fuzz/corpus).
# A crash stops the target's run, leaves the input in .build-fuzz/crashes and makes the script exit
# non-zero: turn it into a regression test (Tests/HTTP2Tests/FuzzRegressionTests.swift,
# Tests/FunctionSDKTests/MalformedRequestTests.swift), fix, run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-1000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(hpack http2 request)
build="$root/.build-fuzz"
out="$build/release"
mkdir -p "$build/bin" "$build/crashes"

cd "$root"
echo "building the libraries with -sanitize=fuzzer,address (.build-fuzz)"
for target in Compositions HTTP2TestSupport; do
    swift build -c release --build-path "$build" -Xswiftc -sanitize=fuzzer,address --target $target >/dev/null
done

objects() { for t in "$@"; do ls "$out/$t.build/"*.o; done; }
# The C modules FunctionSDK imports (it serves over Transport), as swift build found them.
includes() {
    echo -I "$out/Modules" -I "$root/Sources/CZlib" -I "$root/Sources/COpenSSL" -I "$root/Sources/CThreadSlot/include" \
        -Xcc -fmodule-map-file="$out/CLinuxShims.build/module.modulemap" -Xcc -I -Xcc "$root/Sources/CLinuxShims/include"
}
sdk=(SwiftProtobuf HPACK HTTP2 GRPC CThreadSlot CLinuxShims Transport FunctionSDK Compositions)

link() {   # link NAME SOURCE TARGETS...
    local name=$1 source=$2
    shift 2
    # ld.gold warns about ASan symbols it cannot export; they are harmless.
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_$name" $(includes) \
        "$source" $(objects "$@") -lz -lssl -lcrypto -o "$build/bin/fuzz-$name" 2>&1 | grep -v "Cannot export local symbol" || true
    test -x "$build/bin/fuzz-$name"
}

seed() {   # seed NAME: writes a few valid inputs to start from
    local dir="$build/corpus/$1"
    mkdir -p "$dir"
    case $1 in
    hpack)
        # RFC 7541 C.3.1 and C.4.1 request blocks, and a response with Huffman and a size update.
        printf '\x80\x82\x86\x84\x41\x0fwww.example.com' > "$dir/c31"
        printf '\x80\x82\x86\x84\x41\x8c\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab\x90\xf4\xff' > "$dir/c41"
        printf '\x40\x20\x3f\xe1\x1f\x88\x40\x0ccontent-type\x10application/grpc\xbe' > "$dir/update"
        ;;
    http2)
        # A GET with END_STREAM; a POST with DATA, PING, WINDOW_UPDATE and RST_STREAM; CONTINUATION.
        python3 - "$dir" <<'PY'
import sys
def frame(t, f, s, p=b""): return len(p).to_bytes(3, "big") + bytes([t, f]) + s.to_bytes(4, "big") + p
lit = lambda n, v: b"\x00" + bytes([len(n)]) + n + bytes([len(v)]) + v
get = b"\x82\x86\x84" + lit(b":authority", b"localhost")
post = b"\x83\x86" + lit(b":path", b"/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction") \
    + lit(b"content-type", b"application/grpc") + lit(b"te", b"trailers") + lit(b":authority", b"x")
seeds = {
    "get": frame(1, 5, 1, get),
    "post": frame(1, 4, 3, post) + frame(0, 0, 3, b"\x00\x00\x00\x00\x05hello") + frame(6, 0, 0, bytes(8))
            + frame(8, 0, 3, (100).to_bytes(4, "big")) + frame(0, 1, 3) + frame(3, 0, 5, (8).to_bytes(4, "big")),
    "continuation": frame(1, 1, 1, get[:3]) + frame(9, 4, 1, get[3:]) + frame(4, 0, 0, bytes([0, 4, 0, 0, 0, 0])),
}
for name, b in seeds.items():
    open(f"{sys.argv[1]}/{name}", "wb").write(b)
PY
        ;;
    request)
        # A demo ClusterClaim, a SQLClaim and a pass-through XR, as Crossplane would send them.
        "$root/.build-fuzz/bin/seed-requests" "$dir"
        ;;
    esac
}

for t in "${targets[@]}"; do
    case $t in
    hpack) link hpack Tests/Fuzz/FuzzHPACK/FuzzHPACK.swift HPACK ;;
    http2) link http2 Tests/Fuzz/FuzzHTTP2/FuzzHTTP2.swift HPACK HTTP2 HTTP2TestSupport ;;
    request)
        link request Tests/Fuzz/FuzzRequest/FuzzRequest.swift "${sdk[@]}"
        swiftc -O -parse-as-library -module-name SeedRequests $(includes) \
            Tests/Fuzz/FuzzRequest/SeedRequests.swift $(objects "${sdk[@]}") -lz -lssl -lcrypto -sanitize=address \
            -o "$build/bin/seed-requests" 2>&1 | grep -v "Cannot export local symbol" || true
        ;;
    *) echo "unknown target $t (hpack, http2, request)" >&2; exit 2 ;;
    esac
done

status=0
for t in "${targets[@]}"; do
    seed "$t"
    echo "fuzzing $t for $runs executions"
    log="$build/fuzz-$t.log"
    # -max_total_time is only a backstop; the bound is the number of executions. LeakSanitizer is off:
    # Swift keeps enum payload pointers with spare bits set, so objects held by globals look leaked
    # (run-long growth is what the soak run measures instead).
    if ASAN_OPTIONS=detect_leaks=0 "$build/bin/fuzz-$t" -runs="$runs" -max_len=16384 -max_total_time=3600 -print_final_stats=1 -detect_leaks=0 \
        -artifact_prefix="$build/crashes/$t-" "$build/corpus/$t" >"$log" 2>&1; then
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "  $t: $execs executions, no crash ($cov, corpus $(ls "$build/corpus/$t" | wc -l) inputs)"
    else
        echo "  $t: CRASH, see $log and $build/crashes" >&2
        tail -30 "$log" >&2
        status=1
    fi
done
exit $status
