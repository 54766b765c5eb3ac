#!/usr/bin/env bash
# Proves the Authenticode path with a throwaway self-signed certificate:
# signs the programs, the uninstaller and the installer (package.sh with
# MOTCUA_SIGN_PKCS12 set), verifies them with osslsigncode, then checks that
# a one-byte change to the signed installer is detected. Needs the programs
# from build.sh; writes only under a temporary directory (and out/windows/stage).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/motcua-sign.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "sign-check: throwaway certificate in $work"
openssl rand -hex 16 >"$work/pass"
openssl req -x509 -newkey rsa:3072 -sha256 -days 2 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -subj "/CN=Mot Cua TEST signing - do not trust/O=Test" -addext "extendedKeyUsage=codeSigning" 2>/dev/null
openssl pkcs12 -export -out "$work/cert.pfx" -inkey "$work/key.pem" -in "$work/cert.pem" -passout "file:$work/pass"

MOTCUA_SIGN_PKCS12="$work/cert.pfx" MOTCUA_SIGN_PASSFILE="$work/pass" DIST="$work/dist" \
  packaging/windows/package.sh | grep -v '^windows: portable'
setup=$(ls "$work"/dist/*-setup.exe)
verify() { osslsigncode verify -CAfile "$work/cert.pem" -in "$1" 2>&1; }

for f in "$setup" out/windows/stage/motcua.exe out/windows/stage/motcuaw.exe; do
  verify "$f" | grep -q "Signature verification: ok" || { verify "$f" >&2; echo "sign-check: $f does not verify" >&2; exit 1; }
  echo "  ok  signed and verified: $(basename "$f")"
done
# The uninstaller is signed inside the installer by !uninstfinalize; makensis
# fails the build if that command fails, so a signed installer implies it.

unsigned=$(ls dist/*-setup.exe 2>/dev/null | head -1 || true)
if [ -n "$unsigned" ] && ! verify "$unsigned" | grep -q "Signature verification: ok"; then
  echo "  ok  an unsigned installer does not verify"
fi

tampered="$work/tampered-setup.exe"
cp "$setup" "$tampered"
size=$(stat -c %s "$tampered")
offset=$((size / 2))
byte=$(od -An -tu1 -j "$offset" -N1 "$tampered" | tr -d ' ')
printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$tampered" bs=1 seek="$offset" conv=notrunc status=none
if verify "$tampered" | grep -q "Signature verification: ok"; then
  echo "sign-check: a tampered installer still verifies" >&2
  exit 1
fi
echo "  ok  one byte changed at $offset: $(verify "$tampered" | grep -iE 'mismatch|failed' | head -1)"
echo "sign-check: passed"
