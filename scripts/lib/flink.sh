#!/usr/bin/env bash
# Helpers of scripts/cluster, scripts/submit, scripts/upgrade and scripts/test-cluster: the Flink
# runtime classpath, the rendered cluster config, the cluster's processes, Flink's REST API and
# its command-line client. Source it after lib/common.sh.
#
# Layout under $JF_RUN_DIR/cluster/ (JF_CLUSTER_DIR):
#   conf/         config.yaml and log4j files rendered from config/cluster/ by `cluster start`
#   log/          jobmanager.log, taskmanager-N.log, *.out (stdout/stderr), client.log
#   checkpoints/  execution.checkpointing.dir      savepoints/  savepoints of stop/upgrade
#   deployed/     the job deployed last: job.id, rules/ (a copy of its rule files), submit.args
#   cluster.state pids and addresses of the running cluster

# shellcheck disable=SC2034 # the variables below are used by the scripts that source this file
if [[ -n "${JF_FLINK_LOADED:-}" ]]; then
  return 0
fi
JF_FLINK_LOADED=1

JF_CLUSTER_DIR="$JF_RUN_DIR/cluster"
JF_CLUSTER_CONF="$JF_CLUSTER_DIR/conf"
JF_CLUSTER_STATE="$JF_CLUSTER_DIR/cluster.state"
JF_DEPLOYED_DIR="$JF_CLUSTER_DIR/deployed"
JF_FLINK_MAIN_JM=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
JF_FLINK_MAIN_TM=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
JF_FLINK_MAIN_CLI=org.apache.flink.client.cli.CliFrontend
JF_JOB_MAIN=io.journeyflow.jobs.JourneyflowMain

# Classpath of a Flink 2.2 standalone cluster and its client (scripts/flink-runtime/pom.xml),
# resolved once and again when the pom is newer or a jar went missing.
jf_flink_classpath() {
  local pom="$JF_SCRIPTS/flink-runtime/pom.xml"
  local cpfile="$JF_SCRIPTS/flink-runtime/target/classpath.txt"
  if [[ "$pom" -nt "$cpfile" ]] || ! _jf_classpath_complete "$cpfile"; then
    mkdir -p "$(dirname "$cpfile")"
    local tmp="$cpfile.$$.tmp"
    jf_mvn "$JF_RUN_DIR/flink-classpath.log" -f "$pom" dependency:build-classpath \
      -Dmdep.outputFile="$tmp" \
      || { rm -f "$tmp"; jf_die "cannot resolve the Flink classpath (log: $JF_RUN_DIR/flink-classpath.log)"; }
    mv -f "$tmp" "$cpfile"
  fi
  cat "$cpfile"
}

# The --add-exports/--add-opens flags Flink needs on Java 17 (without lib/common.sh's local
# log4j config: the cluster has its own), one per line.
jf_flink_module_opts() {
  jf_java_opts | grep -e '^--add-' || true
}

# The job jar of this checkout.
jf_job_jar() {
  printf '%s/jobs/target/journeyflow-jobs-%s-job.jar\n' "$JF_ROOT" "$(jf_version)"
}

# A value of the rendered config (a flat `key: value` line), or "" if absent.
jf_conf_get() {
  local key="$1" file="${2:-$JF_CLUSTER_CONF/config.yaml}"
  [[ -f "$file" ]] || return 0
  awk -v key="$key" '
    { line = $0; sub(/[ \t]+#.*$/, "", line) }
    index(line, key ":") == 1 { v = substr(line, length(key) + 2); gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit }' \
    "$file"
}

# The REST base URL of the running cluster (from the rendered config).
jf_rest_url() {
  local port
  port=$(jf_conf_get rest.port)
  printf 'http://127.0.0.1:%s\n' "${port:-8081}"
}

# Calls Flink's REST API: jf_rest METHOD PATH [JSON-BODY]. Prints the response body; fails
# (status 1) if the cluster does not answer or answers with an error status.
jf_rest() {
  local method="$1" path="$2" body="${3:-}"
  python3 - "$method" "$(jf_rest_url)$path" "$body" <<'PY'
import sys, urllib.request, urllib.error
method, url, body = sys.argv[1], sys.argv[2], sys.argv[3]
data = body.encode() if body else None
req = urllib.request.Request(url, data=data, method=method,
                             headers={"Content-Type": "application/json"} if data else {})
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
except Exception as e:
    sys.stderr.write(f"{url}: {e}\n")
    sys.exit(1)
PY
}

# Reads a JSON document on stdin and prints the value of a Python expression over it (`j`).
# Example: jf_rest GET /overview | jf_json 'j["taskmanagers"]'
jf_json() {
  python3 -c 'import json, sys
import time
j = json.load(sys.stdin)
v = eval(sys.argv[1])
if isinstance(v, (list, tuple)):
    print("\n".join(str(x) for x in v))
elif v is not None:
    print(v)' "$1"
}

# The marker on the command line of every process of this run directory's cluster.
jf_cluster_marker() {
  printf -- '-Djourneyflow.cluster=%s\n' "$JF_CLUSTER_DIR"
}

# Pids of live cluster processes of this run directory, ROLE "jobmanager", "taskmanager" or ""
# (both); one per line.
jf_cluster_pids() {
  local role="${1:-}" pid args marker
  marker=$(jf_cluster_marker)
  command -v pgrep >/dev/null 2>&1 || return 0
  while read -r pid; do
    [[ -n "$pid" ]] || continue
    jf_alive "$pid" || continue
    args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || continue
    grep -qxF -- "$marker" <<<"$args" || continue
    if [[ -n "$role" ]]; then
      grep -qx -- "-Djourneyflow.cluster.role=$role.*" <<<"$args" || continue
    fi
    printf '%s\n' "$pid"
  done < <(pgrep -f -- "-Djourneyflow\.cluster=" || true)
}

# Dies unless the cluster of this run directory runs and its REST API answers.
jf_require_cluster() {
  [[ -n "$(jf_cluster_pids jobmanager)" ]] \
    || jf_die "no Flink cluster is running for $JF_RUN_DIR: start one with scripts/cluster start"
  jf_rest GET /overview >/dev/null \
    || jf_die "the Flink cluster does not answer on $(jf_rest_url) (see $JF_CLUSTER_DIR/log/jobmanager.log)"
}

# Builds the command line of Flink's client into the array JF_CLI_CMD: java, the Flink
# classpath plus the job jar (the client runs the job's main() to build the job graph),
# FLINK_CONF_DIR's log4j-cli config. Run it with FLINK_CONF_DIR="$JF_CLUSTER_CONF" in the env.
jf_flink_cli_cmd() {
  local java cp opts=()
  java=$(jf_java)
  cp=$(jf_flink_classpath)
  mapfile -t opts < <(jf_flink_module_opts)
  mkdir -p "$JF_CLUSTER_DIR/log"
  # shellcheck disable=SC2034 # used by the scripts that source this file
  JF_CLI_CMD=("$java" "${opts[@]}" -Xmx512m
    "-Dlog.file=$JF_CLUSTER_DIR/log/client.log"
    "-Dlog4j.configurationFile=file:$JF_CLUSTER_CONF/log4j-cli.properties"
    -cp "$cp" "$JF_FLINK_MAIN_CLI")
}

# The running jobs (state RUNNING, RESTARTING, CREATED, ... anything not terminal): "id state
# name" per line.
jf_active_jobs() {
  jf_rest GET /jobs/overview | jf_json '[x["jid"] + " " + x["state"] + " " + x["name"] for x in j["jobs"] if x["state"] not in ("FINISHED", "CANCELED", "FAILED")]'
}

# Waits until job JID is RUNNING with all its tasks running, at most SECONDS; true if so.
jf_wait_job_running() {
  local jid="$1" seconds="$2" deadline state
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    state=$(jf_rest GET "/jobs/$jid" 2>/dev/null | jf_json '"RUNNING" if j.get("state") == "RUNNING" and all(v["status"] == "RUNNING" for v in j.get("vertices", [])) else j.get("state")' 2>/dev/null || true)
    case "$state" in
      RUNNING) return 0 ;;
      FAILED | CANCELED | FINISHED) return 1 ;;
    esac
    sleep 0.5
  done
  return 1
}

# Copies the rule files of DIR (*.yaml, *.yml, not *.test.yaml) into the empty directory DEST.
jf_copy_rules() {
  local dir="$1" dest="$2" f n=0
  mkdir -p "$dest"
  for f in "$dir"/*.yaml "$dir"/*.yml; do
    [[ -f "$f" ]] || continue
    [[ "$f" == *.test.yaml ]] && continue
    cp -p -- "$f" "$dest/"
    n=$((n + 1))
  done
  ((n > 0)) || jf_die "no rule files (*.yaml) in $dir"
}

# Runs io.journeyflow.jobs.tools.RulesCli with ARGS on the job's classpath (for `diff`).
jf_rules_cli() {
  local tmp rc=0
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/journeyflow-rules.XXXXXX")
  jf_job_java_cmd -Xmx512m "$tmp"
  (cd "$JF_ROOT" && "${JF_JAVA_CMD[@]}" io.journeyflow.jobs.tools.RulesCli "$@") || rc=$?
  rm -rf -- "$tmp"
  return "$rc"
}

# Runs one of Kafka's console tools (scripts/kafka-runtime): jf_kafka_tool CLASS ARGS...
jf_kafka_tool() {
  local java cp
  java=$(jf_java)
  cp=$(jf_kafka_classpath)
  "$java" -Xmx256m "-Dlog4j2.configurationFile=$JF_SCRIPTS/lib/log4j2-local.properties" \
    -cp "$cp" "$@"
}

# Creates the job's topics on BOOTSTRAP if they do not exist: NAME or NAME:PARTITIONS
# (default 2). The policy control topic has one partition, so updates keep their order.
jf_create_topics() {
  local bootstrap="$1" topic name partitions
  shift
  local topics=("$@")
  ((${#topics[@]} > 0)) || topics=(customer-events actions suppressions dead-letters decisions
    erasures journey-metrics policy-updates:1 identity identity-conflicts
    identity-links)
  for topic in "${topics[@]}"; do
    name="${topic%%:*}"
    partitions=2
    [[ "$topic" == *:* ]] && partitions="${topic##*:}"
    jf_kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
      --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor 1 \
      >/dev/null \
      || jf_die "cannot create topic $name on $bootstrap"
  done
}
