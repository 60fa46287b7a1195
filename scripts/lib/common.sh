#!/usr/bin/env bash
# Shared helpers of the scripts under scripts/: repository root, messages, build-if-needed,
# classpaths, JVM flags, free ports and child-process handling.
#
# Source it from a script that uses `set -euo pipefail`:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Environment knobs (all optional):
#   JAVA_HOME       the JDK to use (default: `java` on PATH); Java 17 or newer
#   JF_MVN          the Maven command (default: mvn)
#   JF_MAVEN_ARGS   extra Maven arguments, e.g. "-o" or "-Dmaven.repo.local=/path"
#   JF_JAVA_OPTS    extra JVM flags for the job's JVM (demo, replay), e.g. "-Xmx2g"
#   JF_RUN_DIR      where the scripts keep state, locks and logs (default: scripts/.run, or
#                   $TMPDIR/journeyflow-run-UID if that is not writable)

if [[ -n "${JF_COMMON_LOADED:-}" ]]; then
  return 0
fi
JF_COMMON_LOADED=1

JF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
JF_SCRIPTS="$JF_ROOT/scripts"
if [[ -z "${JF_RUN_DIR:-}" ]]; then
  JF_RUN_DIR="$JF_SCRIPTS/.run"
  if ! mkdir -p "$JF_RUN_DIR" 2>/dev/null || [[ ! -w "$JF_RUN_DIR" ]]; then
    JF_RUN_DIR="${TMPDIR:-/tmp}/journeyflow-run-$(id -u)"
  fi
fi
export JF_ROOT

# ---------------------------------------------------------------------------------------------
# Messages (to stderr, so that stdout stays the program's own output)

if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  _jf_bold=$'\033[1m' _jf_red=$'\033[31m' _jf_yellow=$'\033[33m' _jf_off=$'\033[0m'
else
  _jf_bold='' _jf_red='' _jf_yellow='' _jf_off=''
fi

jf_say() { printf '%s[journeyflow]%s %s\n' "$_jf_bold" "$_jf_off" "$*" >&2; }
jf_warn() { printf '%s[journeyflow] warning:%s %s\n' "$_jf_yellow" "$_jf_off" "$*" >&2; }
jf_die() {
  printf '%s[journeyflow] error:%s %s\n' "$_jf_red" "$_jf_off" "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Tools

# The java launcher: $JAVA_HOME/bin/java, else java on PATH.
jf_java() {
  local java="java"
  if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; fi
  command -v "$java" >/dev/null 2>&1 \
    || jf_die "no Java found ('$java'): install a JDK 17 or newer, or set JAVA_HOME"
  printf '%s\n' "$java"
}

# Runs Maven quietly with its output in LOG: jf_mvn LOG ARGS... On failure prints the log tail.
jf_mvn() {
  local log="$1"
  shift
  local mvn="${JF_MVN:-mvn}"
  command -v "$mvn" >/dev/null 2>&1 || jf_die "Maven ('$mvn') is not installed"
  local extra=()
  if [[ -n "${JF_MAVEN_ARGS:-}" ]]; then read -r -a extra <<<"$JF_MAVEN_ARGS"; fi
  mkdir -p "$(dirname "$log")"
  if "$mvn" -B -q -Dstyle.color=never "${extra[@]}" "$@" >"$log" 2>&1 </dev/null; then
    return 0
  fi
  # Maven 3.8 writes bare colour resets even in batch mode; drop them from the excerpt.
  printf '%s\n' "----- last lines of $log -----" >&2
  sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^[[:space:]]*$' | tail -n 40 >&2 || true
  printf '%s\n' "-----" >&2
  return 1
}

# Holds an exclusive lock on FILE on file descriptor 8 for the rest of the calling (sub)shell,
# waiting at most SECONDS (default 600). Without flock(1) it does nothing.
jf_lock() {
  local file="$1" seconds="${2:-600}"
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$(dirname "$file")"
  exec 8>"$file"
  flock -w "$seconds" 8 || jf_die "timed out waiting for the lock $file"
}

jf_unlock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 8>&-
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

# True while PID exists and is not a zombie (a zombie has exited but was not reaped yet).
jf_alive() {
  local pid="$1" stat
  [[ -n "$pid" ]] || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != "Z" && "${stat:0:1}" != "X" ]]
  else
    kill -0 "$pid" 2>/dev/null
  fi
}

# Waits until PID is gone, at most SECONDS; true if it is gone.
jf_wait_gone() {
  local pid="$1" seconds="$2"
  local deadline=$((SECONDS + seconds))
  while jf_alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Stops PID: SIGTERM, up to GRACE seconds (default 20), then SIGKILL. True once it is gone.
jf_terminate() {
  local pid="$1" grace="${2:-20}"
  jf_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  jf_wait_gone "$pid" "$grace" && return 0
  jf_warn "process $pid did not stop within ${grace}s after SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  jf_wait_gone "$pid" 10
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
jf_port_in_use() {
  local port="$1"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# A TCP port on 127.0.0.1 that is free right now.
jf_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
    return 0
  fi
  local port tries=0
  while ((tries++ < 100)); do
    port=$((20000 + RANDOM % 40000))
    if ! jf_port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  jf_die "cannot find a free TCP port"
}

# Runs a command as a background child and waits for it, so that INT/TERM/HUP sent to this
# script reach the child as SIGTERM (a background child ignores the terminal's Ctrl-C) and the
# caller's EXIT trap still runs afterwards. Returns the child's exit code, or 128 + the signal
# number if this script was signalled (then JF_CHILD_SIGNAL names the signal).
jf_run_child() {
  local pid rc=0 saved_traps
  saved_traps=$(trap -p INT TERM HUP)
  "$@" </dev/null &
  pid=$!
  JF_CHILD_PID=$pid
  JF_CHILD_SIGNAL=""
  trap 'JF_CHILD_SIGNAL=INT; kill -TERM "$JF_CHILD_PID" 2>/dev/null || true' INT
  trap 'JF_CHILD_SIGNAL=TERM; kill -TERM "$JF_CHILD_PID" 2>/dev/null || true' TERM
  trap 'JF_CHILD_SIGNAL=HUP; kill -TERM "$JF_CHILD_PID" 2>/dev/null || true' HUP
  wait "$pid" || rc=$?
  if [[ -n "$JF_CHILD_SIGNAL" ]]; then
    # wait(1) returned because of the signal: give the child time to shut down, then reap it.
    if ! jf_wait_gone "$pid" 20; then
      jf_warn "the Java process $pid did not stop within 20s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" || true
    case "$JF_CHILD_SIGNAL" in
      INT) rc=130 ;;
      TERM) rc=143 ;;
      HUP) rc=129 ;;
    esac
  fi
  trap - INT TERM HUP
  eval "$saved_traps"
  JF_CHILD_PID=""
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Build and classpaths

# The project version, from the root pom (the <version> right after journeyflow-parent).
jf_version() {
  local version
  version=$(awk '/<artifactId>journeyflow-parent<\/artifactId>/ { found = 1; next }
                 found && /<version>/ { sub(/.*<version>/, ""); sub(/<\/version>.*/, ""); print; exit }' \
    "$JF_ROOT/pom.xml")
  [[ -n "$version" ]] || jf_die "cannot read the project version from $JF_ROOT/pom.xml"
  printf '%s\n' "$version"
}

# Prints the first file or directory (of the sources that go into the build) newer than FILE, if
# any. A directory counts too: adding, removing or renaming a file changes its time.
_jf_newer_sources() {
  local ref="$1" candidates=() path
  for path in "$JF_ROOT"/*/src "$JF_ROOT"/patterns/rules "$JF_ROOT"/pom.xml "$JF_ROOT"/*/pom.xml; do
    [[ -e "$path" ]] && candidates+=("$path")
  done
  ((${#candidates[@]} > 0)) || return 0
  find "${candidates[@]}" -newer "$ref" -print -quit 2>/dev/null || true
}

# Why the build is out of date ("" if it is not).
_jf_build_reason() {
  local version="$1" jar newer module
  jar="$JF_ROOT/jobs/target/journeyflow-jobs-$version-job.jar"
  [[ -f "$jar" ]] || { echo "no job jar yet"; return 0; }
  for module in schemas connectors patterns jobs; do
    [[ -f "$JF_ROOT/$module/target/journeyflow-$module-$version.jar" ]] \
      || { echo "no $module jar yet"; return 0; }
  done
  newer=$(_jf_newer_sources "$jar")
  [[ -z "$newer" ]] || echo "${newer#"$JF_ROOT"/} changed"
}

# Builds and installs the project (mvn -DskipTests install) when the job jar is missing or older
# than any source, rule or pom.
jf_ensure_built() {
  local version reason stamp jar log
  version=$(jf_version)
  reason=$(_jf_build_reason "$version")
  [[ -n "$reason" ]] || return 0
  (
    jf_lock "$JF_RUN_DIR/build.lock"
    # Another script may have built it while we waited for the lock.
    reason=$(_jf_build_reason "$version")
    [[ -n "$reason" ]] || exit 0
    jf_say "building Journeyflow ($reason): mvn -B -q -DskipTests install ..."
    stamp="$JF_RUN_DIR/build.started"
    log="$JF_RUN_DIR/build.log"
    touch "$stamp"
    (cd "$JF_ROOT" && jf_mvn "$log" -DskipTests install) \
      || jf_die "the build failed (full log: $log)"
    jar="$JF_ROOT/jobs/target/journeyflow-jobs-$version-job.jar"
    [[ -f "$jar" ]] || jf_die "the build did not produce $jar"
    # An up-to-date jar is not rewritten; date it at the build start so that it counts as built
    # (sources changed while the build ran stay newer and cause the next build).
    [[ "$jar" -nt "$stamp" ]] || touch -r "$stamp" "$jar"
  )
}

# True if every entry of the classpath file exists.
_jf_classpath_complete() {
  local file="$1" entries entry
  [[ -s "$file" ]] || return 1
  IFS=: read -r -a entries <"$file"
  for entry in "${entries[@]}"; do
    [[ -e "$entry" ]] || return 1
  done
}

# The job's runtime classpath for running it outside a cluster (demo, replay): the jobs jar of
# this checkout, the schemas/connectors/patterns jars of this checkout, and the compile and
# provided dependencies (Flink itself, the log4j binding). The dependency list is resolved once
# into jobs/target/classpath.txt and resolved again when a pom is newer.
jf_job_classpath() {
  local version cpfile pom stale=0
  version=$(jf_version)
  cpfile="$JF_ROOT/jobs/target/classpath.txt"
  if ! _jf_classpath_complete "$cpfile"; then
    stale=1
  else
    for pom in "$JF_ROOT"/pom.xml "$JF_ROOT"/*/pom.xml; do
      if [[ "$pom" -nt "$cpfile" ]]; then stale=1; fi
    done
  fi
  if ((stale)); then
    mkdir -p "$(dirname "$cpfile")"
    local tmp="$cpfile.$$.tmp"
    jf_mvn "$JF_RUN_DIR/classpath.log" -f "$JF_ROOT/jobs/pom.xml" dependency:build-classpath \
      -DincludeScope=compile -Dmdep.outputFile="$tmp" \
      || { rm -f "$tmp"; jf_die "cannot resolve the job classpath (log: $JF_RUN_DIR/classpath.log)"; }
    mv -f "$tmp" "$cpfile"
  fi
  local entries entry module out
  IFS=: read -r -a entries <"$cpfile"
  out="$JF_ROOT/jobs/target/journeyflow-jobs-$version.jar"
  [[ -f "$out" ]] || jf_die "missing $out: build the project first (mvn -B -DskipTests install)"
  for entry in "${entries[@]}"; do
    # Prefer this checkout's module jars over the copies installed in the local repository.
    for module in schemas connectors patterns; do
      if [[ "$entry" == */journeyflow-$module-"$version".jar \
        && -f "$JF_ROOT/$module/target/journeyflow-$module-$version.jar" ]]; then
        entry="$JF_ROOT/$module/target/journeyflow-$module-$version.jar"
      fi
    done
    out="$out:$entry"
  done
  printf '%s\n' "$out"
}

# Classpath of a real Kafka broker and its console tools (scripts/kafka-runtime/pom.xml),
# resolved once and resolved again when the pom is newer or a jar went missing.
jf_kafka_classpath() {
  local pom="$JF_SCRIPTS/kafka-runtime/pom.xml"
  local cpfile="$JF_SCRIPTS/kafka-runtime/target/classpath.txt"
  if [[ "$pom" -nt "$cpfile" ]] || ! _jf_classpath_complete "$cpfile"; then
    mkdir -p "$(dirname "$cpfile")"
    local tmp="$cpfile.$$.tmp"
    jf_mvn "$JF_RUN_DIR/kafka-classpath.log" -f "$pom" dependency:build-classpath \
      -Dmdep.outputFile="$tmp" \
      || { rm -f "$tmp"; jf_die "cannot resolve the Kafka classpath (log: $JF_RUN_DIR/kafka-classpath.log)"; }
    mv -f "$tmp" "$cpfile"
  fi
  cat "$cpfile"
}

# JVM flags for running Flink locally on Java 17, one per line: the --add-exports/--add-opens
# list of Flink's distribution config (env.java.opts.all) and the local log4j 2 config.
jf_java_opts() {
  local exports=(java.base/sun.net.util java.rmi/sun.rmi.registry
    jdk.compiler/com.sun.tools.javac.api jdk.compiler/com.sun.tools.javac.file
    jdk.compiler/com.sun.tools.javac.parser jdk.compiler/com.sun.tools.javac.tree
    jdk.compiler/com.sun.tools.javac.util java.security.jgss/sun.security.krb5)
  local opens=(java.base/java.lang java.base/java.net java.base/java.io java.base/java.nio
    java.base/sun.nio.ch java.base/java.lang.reflect java.base/java.text java.base/java.time
    java.base/java.util java.base/java.util.concurrent java.base/java.util.concurrent.atomic
    java.base/java.util.concurrent.locks)
  local item
  for item in "${exports[@]}"; do printf -- '--add-exports=%s=ALL-UNNAMED\n' "$item"; done
  for item in "${opens[@]}"; do printf -- '--add-opens=%s=ALL-UNNAMED\n' "$item"; done
  printf -- '-Dlog4j2.configurationFile=%s\n' "$JF_SCRIPTS/lib/log4j2-local.properties"
}

# Builds the command line of the job's JVM into the array JF_JAVA_CMD: java, Flink's flags,
# HEAP (e.g. -Xmx1g), java.io.tmpdir=TMPDIR (Flink's MiniCluster leaves files there), the
# classpath, $JF_JAVA_OPTS last so that they win. Usage: jf_job_java_cmd HEAP TMPDIR
jf_job_java_cmd() {
  local heap="$1" tmpdir="$2" cp java opts=() user_opts=()
  java=$(jf_java)
  cp=$(jf_job_classpath)
  mapfile -t opts < <(jf_java_opts)
  if [[ -n "${JF_JAVA_OPTS:-}" ]]; then read -r -a user_opts <<<"$JF_JAVA_OPTS"; fi
  # shellcheck disable=SC2034 # used by the scripts that source this file
  JF_JAVA_CMD=("$java" "${opts[@]}" "$heap" "-Djava.io.tmpdir=$tmpdir" -cp "$cp"
    "${user_opts[@]}")
}
