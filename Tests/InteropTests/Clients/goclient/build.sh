#!/usr/bin/env bash
# Builds goclient with Debian's Go and grpc-go (apt golang-go golang-google-grpc-dev
# golang-google-protobuf-dev), in GOPATH mode: no module proxy, no network.
#   build.sh OUTPUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTPUT}
export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS=
export GOCACHE=${GOCACHE:-$(dirname "$out")/.gocache}
cd "$here" && go build -o "$out" main.go
