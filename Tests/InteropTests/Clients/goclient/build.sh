#!/usr/bin/env bash
# Builds one of the Go clients beside this folder (goclient by default, or xpclient) with Debian's
# Go and grpc-go (apt golang-go golang-google-grpc-dev golang-google-protobuf-dev), in GOPATH mode:
# no module proxy, no network.
#   build.sh OUTPUT [goclient|xpclient]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build.sh OUTPUT [goclient|xpclient]}
program=${2:-goclient}
export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS=
export GOCACHE=${GOCACHE:-$(dirname "$out")/.gocache}
cd "$here/$program" && go build -o "$out" main.go
