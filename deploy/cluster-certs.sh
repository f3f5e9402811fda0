#!/usr/bin/env bash
# Generates the certificates for mutual TLS between CodeChat.NET silos and API hosts (Orleans:Tls).
#
#   deploy/cluster-certs.sh OUT_DIR NAME [NAME...]
#
# OUT_DIR/ca.crt + ca.key   the cluster CA, created on the first run and reused afterwards, so a new
#                           silo can be added later without touching the others' certificates
# OUT_DIR/NAME.crt + .key   one certificate per silo or API host, issued by that CA, valid for both
#                           accepting and opening connections (silos do both)
#
# Keys are written with mode 0600. Copy ca.crt to every host, and each host's own NAME.crt/NAME.key
# to that host only; keep ca.key off the servers (it can issue new members). Validity: DAYS
# (default 825) for host certificates, CA_DAYS (default 3650) for the CA.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 OUT_DIR NAME [NAME...]   (e.g. $0 ./cluster-certs silo1 silo2 api)" >&2
    exit 2
fi

out_dir=$1
shift
days=${DAYS:-825}
ca_days=${CA_DAYS:-3650}
command -v openssl >/dev/null || { echo "openssl is required (Debian: apt-get install openssl)" >&2; exit 1; }

mkdir -p "$out_dir"
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$out_dir/ca.key" ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$out_dir/ca.key"
    openssl req -new -x509 -sha256 -key "$out_dir/ca.key" -days "$ca_days" \
        -subj "/CN=CodeChat cluster CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$out_dir/ca.crt"
    chmod 0644 "$out_dir/ca.crt"
    echo "created the cluster CA: $out_dir/ca.crt"
else
    echo "reusing the cluster CA in $out_dir"
fi

for name in "$@"; do
    if [[ ! "$name" =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ ]]; then
        echo "skipping '$name': use letters, digits, dots and dashes" >&2
        continue
    fi

    openssl ecparam -name prime256v1 -genkey -noout -out "$work/$name.ec.key"
    # PKCS#8 ("BEGIN PRIVATE KEY"), which .NET reads without a password.
    openssl pkcs8 -topk8 -nocrypt -in "$work/$name.ec.key" -out "$out_dir/$name.key"
    openssl req -new -sha256 -key "$out_dir/$name.key" -subj "/CN=$name" -out "$work/$name.csr"
    cat > "$work/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$name
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EXT
    openssl x509 -req -sha256 -in "$work/$name.csr" -CA "$out_dir/ca.crt" -CAkey "$out_dir/ca.key" \
        -CAcreateserial -CAserial "$work/ca.srl" -days "$days" -extfile "$work/$name.ext" -out "$out_dir/$name.crt" 2>/dev/null
    chmod 0644 "$out_dir/$name.crt"
    echo "issued $out_dir/$name.crt (key $out_dir/$name.key)"
done
