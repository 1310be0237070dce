#!/usr/bin/env bash
# Prints the SHA-256 of every .proto and every generated .pb.swift, in a fixed order.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
sha256sum Proto/v1/run_function.proto Proto/v1beta1/run_function.proto Proto/grpc/health/v1/health.proto Generated/*.pb.swift
