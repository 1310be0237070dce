#!/usr/bin/env bash
# Regenerates Sources/FunctionSDK/Generated from the .proto files beside this script, and the stamp
# file that FunctionSDKTests checks to catch a .proto edited without regenerating.
#
#   Sources/FunctionSDK/Proto/generate.sh            # builds protoc-gen-swift if needed, then generates
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift Sources/FunctionSDK/Proto/generate.sh
#   Sources/FunctionSDK/Proto/generate.sh --check   # regenerate into a temporary folder and diff
#
# Needs Debian's protobuf-compiler (protoc and the well-known .proto files). protoc-gen-swift is
# built from the swift-protobuf version Package.swift resolves, in a scratch folder outside git.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out="$here/../Generated"
command -v protoc >/dev/null || { echo "generate.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
plugin=${PROTOC_GEN_SWIFT:-}
if [ -z "$plugin" ]; then
  (cd "$root" && swift package resolve >/dev/null)
  src="$root/.build/checkouts/swift-protobuf"
  [ -d "$src" ] || { echo "generate.sh: swift-protobuf checkout not found under .build/checkouts" >&2; exit 1; }
  scratch="$root/.build-protoc-gen-swift"
  swift build --package-path "$src" --scratch-path "$scratch" -c release --product protoc-gen-swift >&2
  plugin="$scratch/release/protoc-gen-swift"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in v1 v1beta1; do
  protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_out="$tmp" \
    -I "$here" "$here/$v/run_function.proto"
  mv "$tmp/$v/run_function.pb.swift" "$tmp/${v}_run_function.pb.swift"
done
if [ "${1:-}" = "--check" ]; then
  for f in "$tmp"/*.pb.swift; do
    diff -u "$out/$(basename "$f")" "$f" >&2 || { echo "generate.sh: $(basename "$f") is stale; run generate.sh and commit" >&2; exit 1; }
  done
  echo "generated code is current"
  exit 0
fi
rm -f "$out"/*.pb.swift
mkdir -p "$out"
cp "$tmp"/*.pb.swift "$out/"
"$here/stamp.sh" > "$out/proto.stamp"
echo "generated: $(ls "$out")"
