#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine (idempotent):
#   apt: libssl-dev zlib1g-dev (OpenSSL, zlib), openssl (test certificates), nghttp2-client (h2load, nghttp), curl,
#        protobuf-compiler (regenerating the protobuf code), golang-go + golang-google-grpc-dev +
#        golang-google-protobuf-dev (the grpc-go interop client)
#   pip: Tests/InteropTests/Clients/requirements.txt (grpcio, the Crossplane Python SDK's protos, h2, pytest)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
pkgs=(libssl-dev zlib1g-dev openssl nghttp2-client curl protobuf-compiler golang-go golang-google-grpc-dev golang-google-protobuf-dev pkg-config)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" - "$root/Tests/InteropTests/Clients/requirements.txt" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        assert version(name) == want, name
PY
then
  echo "setup: pip install -r Tests/InteropTests/Clients/requirements.txt"
  "$PYTHON" -m pip install -q --disable-pip-version-check -r "$root/Tests/InteropTests/Clients/requirements.txt"
fi
