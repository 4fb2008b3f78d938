#!/usr/bin/env bash
# Writes seed inputs into fuzz/corpus/: for each registered algorithm, a
# well-formed input, so the fuzzer starts past the length checks. KEM and AEAD
# seeds have one bit flipped; signature seeds sign another message than the
# one the target verifies, so that no mutation of a seed is a valid signature.
# Uses the agilis CLI (built in release mode).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
agilis=target/release/agilis
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flip() { python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[len(b)//2]^=1; open(sys.argv[1],"wb").write(b)' "$1"; }
names() { $agilis suites --json | python3 -c "import json,sys; [print(a['name']) for a in json.load(sys.stdin) if a['kind']=='$1']"; }
i=0
for s in $(names kem); do
    $agilis kem keygen --suite "$s" --out "$tmp/k$i" >/dev/null 2>&1
    $agilis kem encaps --suite "$s" --pk "@$tmp/k$i.pub" --out "$tmp/c$i" >/dev/null 2>&1
    flip "$tmp/c$i"
    { printf "\\x$(printf %02x $i)"; cat "$tmp/c$i"; } > "fuzz/corpus/kem_bytes/seed-$s"
    i=$((i+1))
done
i=0
for s in $(names signature); do
    $agilis sign keygen --suite "$s" --out "$tmp/s$i" >/dev/null 2>&1
    $agilis sign sign --suite "$s" --sk "@$tmp/s$i" --msg "$(printf 'seed message' | xxd -p | tr -d '\n')" --out "$tmp/g$i" >/dev/null 2>&1
    { printf "\\x$(printf %02x $((i | 128)))"; cat "$tmp/s$i.pub" "$tmp/g$i"; } > "fuzz/corpus/sig_verify/seed-$s"
    i=$((i+1))
done
i=0
for s in $(names aead); do
    read -r klen nlen < <($agilis suites --json | python3 -c "import json,sys; a=[a for a in json.load(sys.stdin) if a['name']=='$s'][0]; print(a['sizes']['key'], a['sizes']['nonce'])")
    key=$(head -c "$klen" /dev/urandom | xxd -p | tr -d '\n'); nonce=$(head -c "$nlen" /dev/urandom | xxd -p | tr -d '\n')
    printf 'fuzz plaintext' | $agilis aead seal --suite "$s" --key "$key" --nonce "$nonce" > "$tmp/a$i"
    flip "$tmp/a$i"
    { printf "\\x$(printf %02x $i)"; echo -n "$key$nonce" | xxd -r -p; cat "$tmp/a$i"; } > "fuzz/corpus/aead_open/seed-$s"
    i=$((i+1))
done
ls fuzz/corpus/*/ | wc -l
