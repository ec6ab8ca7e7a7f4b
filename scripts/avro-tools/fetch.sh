#!/usr/bin/env bash
# Makes sure Apache Avro's avro-tools jar is in the local cache and prints its path.
# Usage: bash scripts/avro-tools/fetch.sh   (OTKLIK_CACHE overrides the cache root, default ~/.cache/otklik)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(sed -n 's:.*<avro.version>\(.*\)</avro.version>.*:\1:p' "$here/pom.xml")"
dir="${OTKLIK_CACHE:-$HOME/.cache/otklik}/avro-tools"
jar="$dir/avro-tools-$version.jar"
if [[ ! -s "$jar" ]]; then
  mkdir -p "$dir"
  mvn -B -q -f "$here/pom.xml" -Dotklik.avroTools.dir="$dir" validate >&2
fi
[[ -s "$jar" ]] || { echo "avro-tools $version not found at $jar after the Maven fetch" >&2; exit 1; }
echo "$jar"
