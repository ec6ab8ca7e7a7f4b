#!/usr/bin/env bash
# Builds the registry interop client once into a cache outside the repository, keyed by the checksum of
# its sources; prints the directory holding classes/ and lib/ on its last line. Safe to run concurrently.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT=${OTKLIK_CACHE:-$HOME/.cache/otklik}
sum=$(cat "$HERE/pom.xml" "$HERE"/src/main/java/dev/otklik/interop/*.java | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/registry-interop-$sum
if [[ ! -f $OUT/.built ]]; then
  mkdir -p "$CACHE_ROOT"
  (
    flock 8
    if [[ ! -f $OUT/.built ]]; then
      command -v mvn >/dev/null || { echo "build.sh: mvn not found (Maven builds the interop client)" >&2; exit 1; }
      tmp=$OUT.tmp.$$
      rm -rf "$tmp"
      mkdir -p "$tmp"
      cp -r "$HERE/pom.xml" "$HERE/src" "$tmp/"
      if ! mvn -q -B -Dstyle.color=never -f "$tmp/pom.xml" package -DskipTests >"$tmp.log" 2>&1; then
        tail -n 40 "$tmp.log" >&2
        echo "build.sh: Maven could not build the interop client (full output: $tmp.log)" >&2
        exit 1
      fi
      rm -rf "$OUT"
      mkdir -p "$OUT"
      mv "$tmp/target/classes" "$tmp/target/lib" "$OUT/"
      rm -rf "$tmp" "$tmp.log"
      touch "$OUT/.built"
    fi
  ) 8>"$CACHE_ROOT/registry-interop.lock"
fi
echo "$OUT"
