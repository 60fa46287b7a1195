#!/usr/bin/env bash
# Shared helpers of the scripts: repository root, build-if-needed, classpaths, JVM flags.

JF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JF_ROOT

jf_say() { printf '\033[1m[journeyflow]\033[0m %s\n' "$*" >&2; }
jf_die() { printf '[journeyflow] error: %s\n' "$*" >&2; exit 1; }

# The job jar, built from this checkout when missing or older than any source.
jf_ensure_built() {
  local jar
  jar=$(ls "$JF_ROOT"/jobs/target/journeyflow-jobs-*-job.jar 2>/dev/null | head -n1 || true)
  if [[ -n "$jar" ]]; then
    local newer
    newer=$(find "$JF_ROOT"/schemas "$JF_ROOT"/connectors "$JF_ROOT"/patterns "$JF_ROOT"/jobs \
      "$JF_ROOT"/pom.xml \( -path '*/target' -prune \) -o -type f -newer "$jar" -print \
      2>/dev/null | head -n1 || true)
    [[ -z "$newer" ]] && return 0
  fi
  jf_say "building Journeyflow (mvn -B -q -Dstyle.color=never -DskipTests install) ..."
  local log="${TMPDIR:-/tmp}/journeyflow-build.log"
  (cd "$JF_ROOT" && mvn -B -q -Dstyle.color=never -DskipTests install > "$log" 2>&1) \
    || { tail -n 40 "$log" >&2; jf_die "build failed (full log: $log)"; }
}

# Runtime classpath of the job outside a cluster: job classes plus Flink (provided) and logging.
jf_job_classpath() {
  local cpfile="$JF_ROOT/jobs/target/classpath.txt"
  if [[ ! -s "$cpfile" || "$JF_ROOT/jobs/pom.xml" -nt "$cpfile" || "$JF_ROOT/pom.xml" -nt "$cpfile" ]]; then
    (cd "$JF_ROOT" && mvn -B -q -Dstyle.color=never -f jobs/pom.xml dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$cpfile") >/dev/null 2>&1 \
      || jf_die "cannot resolve the job classpath"
  fi
  local jar
  jar=$(ls "$JF_ROOT"/jobs/target/journeyflow-jobs-*.jar | grep -v -- '-job.jar' | head -n1)
  printf '%s:%s' "$jar" "$(cat "$cpfile")"
}

# Classpath of a real Kafka broker (kafka_2.13 + log4j), resolved once from scripts/kafka-runtime.
jf_kafka_classpath() {
  local pom="$JF_ROOT/scripts/kafka-runtime/pom.xml"
  local cpfile="$JF_ROOT/scripts/kafka-runtime/target/classpath.txt"
  if [[ ! -s "$cpfile" || "$pom" -nt "$cpfile" ]]; then
    mkdir -p "$(dirname "$cpfile")"
    mvn -B -q -Dstyle.color=never -f "$pom" dependency:build-classpath \
      -Dmdep.outputFile="$cpfile" >/dev/null 2>&1 \
      || jf_die "cannot resolve the Kafka classpath"
  fi
  cat "$cpfile"
}

# JVM flags Flink needs on Java 17 (as Flink's distribution sets in env.java.opts.all).
jf_java_opts() {
  local opens=(java.base/java.util java.base/java.lang java.base/java.lang.reflect
    java.base/java.io java.base/java.nio java.base/sun.nio.ch java.base/java.time
    java.base/java.util.concurrent java.base/java.util.concurrent.atomic java.base/java.net
    java.base/java.text java.base/java.math java.base/java.security java.base/jdk.internal.misc)
  local o
  for o in "${opens[@]}"; do printf -- '--add-opens=%s=ALL-UNNAMED ' "$o"; done
  printf -- '--add-exports=java.base/sun.net.util=ALL-UNNAMED '
  printf -- '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED '
  printf -- '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED '
  printf -- '-Dlog4j2.configurationFile=%s ' "$JF_ROOT/scripts/lib/log4j2-local.properties"
}

# A free TCP port on 127.0.0.1.
jf_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
