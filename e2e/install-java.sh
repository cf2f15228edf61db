#!/usr/bin/env bash
# The JVM components of the e2e tier, from e2e/java/pom.xml (every version fixed there): the Apache Kafka broker,
# clients, tools and Connect runtime with Strimzi's config provider, and Floe's adapter (e2e/java/src).
# Dependencies are copied into $cache/kafka/lib with the adapter's jar; each connector plugin of
# e2e/java/plugins/<name>/pom.xml into its own folder $cache/connect/plugins/<name> (Connect's plugin.path).
# Flink SQL with the Kafka connector and Floe's SQL runner per Flink version into $cache/flink/<version>/lib.
# Rebuilt when a pom, the adapter's sources or the JDK change. Called by e2e/install.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$1"
lib="$cache/kafka/lib"
key="$( (java -version 2>&1; cd "$here/java" && find . -name target -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)"
if [ -f "$lib/floe-e2e-kafka-1.jar" ] && [ -d "$cache/connect/plugins" ] && [ "$(cat "$cache/stamps/java" 2>/dev/null)" = "$key" ]; then
  echo "e2e install: java current (kafka broker, clients, adapter)"
  exit 0
fi
if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "e2e install: the e2e tier needs java (17+) and mvn on PATH (see README, 'Tests on real systems')" >&2
  exit 1
fi
log="$cache/logs/build-java.log" start=$SECONDS
echo "e2e install: building java (kafka broker, clients, adapter) ..."
rm -rf "$lib"
if ! mvn -B -f "$here/java/pom.xml" package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >"$log" 2>&1; then
  echo "e2e install: building java failed; its log ($log):" >&2
  tail -n 60 "$log" >&2
  exit 1
fi
cp "$here/java/target/floe-e2e-kafka-1.jar" "$lib/"
rm -rf "$cache/connect/plugins"
for pom in "$here"/java/plugins/*/pom.xml; do
  plugin="$(basename "$(dirname "$pom")")"
  if ! mvn -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$cache/connect/plugins/$plugin" >>"$log" 2>&1; then
    echo "e2e install: building the connector plugin $plugin failed; its log ($log):" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
done
# The Iceberg sink's folder must hold exactly the jars Floe renders for Strimzi's build (lib/core/iceberg-plugin-lock.ts):
# a pom edited without `npm run plugins:lock` (or a lock edited by hand) fails here.
if ! node -e '
  const fs = require("fs"), crypto = require("crypto"), path = require("path");
  const [lock, dir] = process.argv.slice(1);
  const locked = [...fs.readFileSync(lock, "utf8").matchAll(/"sha512":"([0-9a-f]{128})"/g)].map((m) => m[1]).sort();
  const found = fs.readdirSync(dir).filter((f) => f.endsWith(".jar")).map((f) => crypto.createHash("sha512").update(fs.readFileSync(path.join(dir, f))).digest("hex")).sort();
  if (JSON.stringify(locked) !== JSON.stringify(found)) {
    console.error(`the Iceberg plugin folder (${found.length} jars) differs from ${lock} (${locked.length} jars): run npm run plugins:lock`);
    process.exit(1);
  }' "$here/../lib/core/iceberg-plugin-lock.ts" "$cache/connect/plugins/iceberg" >>"$log" 2>&1; then
  echo "e2e install: the Iceberg sink plugin differs from its lock; its log ($log):" >&2
  tail -n 5 "$log" >&2
  exit 1
fi
# Flink SQL per Flink version Floe renders (e2e/java/flink/<flinkVersion>/pom.xml): $cache/flink/<flinkVersion>/lib.
rm -rf "$cache/flink"
for pom in "$here"/java/flink/*/pom.xml; do
  version="$(basename "$(dirname "$pom")")"
  if ! mvn -B -f "$pom" package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$cache/flink/$version/lib" >>"$log" 2>&1; then
    echo "e2e install: building Flink SQL $version failed; its log ($log):" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  cp "$(dirname "$pom")/target/floe-e2e-flink-1.jar" "$cache/flink/$version/lib/"
done
echo "$key" >"$cache/stamps/java"
echo "e2e install: built java in $((SECONDS - start)) s"
