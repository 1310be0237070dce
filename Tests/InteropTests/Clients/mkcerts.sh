#!/usr/bin/env bash
# Makes test certificates in Crossplane's layout (ca.crt, tls.crt, tls.key per folder) with the
# openssl CLI:
#   server/    RSA-2048 key in PKCS#1 ("BEGIN RSA PRIVATE KEY", as Crossplane writes it), serverAuth,
#              SANs localhost, 127.0.0.1, ::1, signed by the test CA (CN and O "Crossplane")
#   client/    clientAuth certificate from the same CA (what core presents)
#   rogue/     clientAuth certificate from another CA
#   ec/        server with an EC P-256 key;  pkcs8/  server with a PKCS#8 RSA key
#   expired/   server certificate that expired yesterday
#   mismatch/  server certificate with the key of another certificate
#   mkcerts.sh DIR
set -euo pipefail
d=${1:?usage: mkcerts.sh DIR}
mkdir -p "$d"
cd "$d"
q() { "$@" >/dev/null 2>&1 || { echo "mkcerts: $* failed" >&2; "$@"; exit 1; }; }
ext() { printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=$1" ${2:+"subjectAltName=$2"} > "$3"; }

q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=Crossplane/O=Crossplane"
q openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue-ca.key -out rogue-ca.crt -days 3650 -subj "/CN=Rogue/O=Rogue"
ext serverAuth "DNS:localhost,IP:127.0.0.1,IP:::1" server.ext
ext clientAuth "" client.ext

# sign NAME KEYFILE CA EXTFILE DAYS
sign() {
  mkdir -p "$1"
  q openssl req -new -key "$2" -out "$1/req.csr" -subj "/CN=$1"
  q openssl x509 -req -in "$1/req.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -out "$1/tls.crt" -days "$5" -extfile "$4"
  cp "$2" "$1/tls.key"
  cp ca.crt "$1/ca.crt"
  rm "$1/req.csr"
}
q openssl genrsa -traditional -out rsa1.key 2048
q openssl genrsa -out rsa2.key 2048            # PKCS#8
q openssl genrsa -traditional -out rsa3.key 2048
q openssl ecparam -name prime256v1 -genkey -noout -out ec.key
q openssl ecparam -name prime256v1 -genkey -noout -out client.key
q openssl ecparam -name prime256v1 -genkey -noout -out rogue.key

sign server rsa1.key ca server.ext 3650
sign pkcs8 rsa2.key ca server.ext 3650
sign ec ec.key ca server.ext 3650
sign expired rsa1.key ca server.ext -1
sign mismatch rsa1.key ca server.ext 3650 && cp rsa3.key mismatch/tls.key
sign client client.key ca client.ext 3650
sign rogue rogue.key rogue-ca client.ext 3650
grep -q "BEGIN RSA PRIVATE KEY" server/tls.key
grep -q "BEGIN PRIVATE KEY" pkcs8/tls.key
