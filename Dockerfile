# function-secrets: build with the Swift toolchain, run on slim Debian with only the libraries the
# binary links dynamically (OpenSSL 3 and zlib; the Swift runtime and Foundation are static).
#   docker build -t function-secrets .
#   crossplane xpkg build -f package --embed-runtime-image=function-secrets
FROM swift:6.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product function-secrets \
 && install -m 0755 .build/release/function-secrets /function-secrets

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /function-secrets /function-secrets
# Numeric, so that it resolves without /etc/passwd; Crossplane runs functions as uid 2000 anyway.
USER 65532:65532
WORKDIR /
EXPOSE 9443
# The bare binary: Crossplane starts it with no arguments (mTLS from TLS_SERVER_CERTS_DIR), and
# crossplane render's Docker runtime appends --insecure.
ENTRYPOINT ["/function-secrets"]
