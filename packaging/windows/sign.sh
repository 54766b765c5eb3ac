#!/usr/bin/env bash
# Authenticode-signs the named .exe files in place with osslsigncode, when a
# certificate is configured; otherwise does nothing. Configure with:
#   MOTCUA_SIGN_PKCS12     the code-signing certificate and key (.pfx/.p12)
#   MOTCUA_SIGN_PASSFILE   a file holding its password (optional)
#   MOTCUA_SIGN_TIMESTAMP  an RFC 3161 timestamp server URL (optional; needs network;
#                          without it the signature stops verifying when the certificate expires)
set -euo pipefail
[ -n "${MOTCUA_SIGN_PKCS12:-}" ] || exit 0
for f in "$@"; do
  args=(sign -pkcs12 "$MOTCUA_SIGN_PKCS12" -h sha256 -n "Một Cửa" -in "$f" -out "$f.signed")
  [ -n "${MOTCUA_SIGN_PASSFILE:-}" ] && args+=(-readpass "$MOTCUA_SIGN_PASSFILE")
  [ -n "${MOTCUA_SIGN_TIMESTAMP:-}" ] && args+=(-ts "$MOTCUA_SIGN_TIMESTAMP")
  rm -f "$f.signed"
  osslsigncode "${args[@]}" >/dev/null
  mv "$f.signed" "$f"
  echo "signed $f"
done
