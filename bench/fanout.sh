#!/bin/sh
# Tasks per second of a flowbus fan-out beside xargs -P running the same commands, on this machine,
# in the same run. Usage: bench/fanout.sh [NODES] (from the repository root, after mvn package).
#   NODES=1: one node with both roles. NODES=3: three nodes on loopback, each with both roles.
# Prints the figures; exits non-zero if a run does not succeed.
set -eu
cd "$(dirname "$0")/.."
NODES=${1:-1}
NOOP=${NOOP:-2000}
SLEEPS=${SLEEPS:-400}
SLOTS=${SLOTS:-$(nproc)}
JAR=target/flowbus.jar
WORK=$(mktemp -d /tmp/flowbus-bench.XXXXXX)
CLUSTER=bench-$$
BASE_PORT=${BASE_PORT:-18080}
EXTRA_FLAGS=${EXTRA_FLAGS:-}
JAVA_OPTS=${JAVA_OPTS:-}
[ -f "$JAR" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }

cat > "$WORK/bench.yaml" <<'YAML'
tasks:
  gen:
    exec_command: sh
    exec_args: [-c, "awk -v n=\"$1\" 'BEGIN { printf \"[\"; for (i = 0; i < n; i++) printf \"%s{\\\"i\\\":%d}\", (i ? \",\" : \"\"), i; print \"]\" }' > spawn.json", gen, "{count}"]
    input: {count: {source: parameter}}
  noop:
    exec_command: "true"
  nap:
    exec_command: sleep
    exec_args: ["0.05"]
  half:
    exec_command: sleep
    exec_args: ["0.5"]
jobs:
  noop:
    input: {count: {source: parameter}}
    stages: [{name: fan, spawn_task: gen, task_class: noop, job_failed_on_error: true}]
  nap:
    input: {count: {source: parameter}}
    stages: [{name: fan, spawn_task: gen, task_class: nap, job_failed_on_error: true}]
  half:
    input: {count: {source: parameter}}
    stages: [{name: fan, spawn_task: gen, task_class: half, job_failed_on_error: true}]
YAML

PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

i=0
while [ "$i" -lt "$NODES" ]; do
  port=$((BASE_PORT + i))
  java -Xmx512m -jar "$JAR" --config "$WORK/bench.yaml" --data-dir "$WORK/data" --port "$port" \
    --cluster-name "$CLUSTER" --slots "$SLOTS" --fsync "${FSYNC:-true}" $EXTRA_FLAGS > "$WORK/node-$i.log" 2>&1 &
  PIDS="$PIDS $!"
  i=$((i + 1))
done
for p in $(seq 0 $((NODES - 1))); do
  until curl -sf "localhost:$((BASE_PORT + p))/ready" >/dev/null; do sleep 0.2; done
done
until [ "$(curl -s "localhost:$BASE_PORT/api/cluster" | grep -o '"accepting":true' | wc -l)" -ge "$NODES" ]; do sleep 0.2; done

json() { python3 -c "import sys, json; d = json.load(sys.stdin); print($1)"; }
seconds() { python3 -c "import sys,datetime as d; a,b=[d.datetime.fromisoformat(x.replace('Z','')[:26]) for x in sys.argv[1:]]; print(f'{(b-a).total_seconds():.2f}')" "$1" "$2"; }

run_job() { # job count → seconds of the fan-out (spawn task end to stage end, engine timestamps)
  id=$(curl -s -X POST "localhost:$BASE_PORT/api/jobs/$1/runs?count=$2" | json 'd["id"]')
  while :; do
    state=$(curl -s "localhost:$BASE_PORT/api/runs/$id" | json 'd["state"]')
    case "$state" in SUCCEEDED) break ;; FAILED|CANCELLED) echo "run $id $state" >&2; exit 1 ;; esac
    sleep 0.2
  done
  first=$(curl -s "localhost:$BASE_PORT/api/runs/$id/tasks/s0-spawn" | json 'd["ended_at"]')
  ended=$(curl -s "localhost:$BASE_PORT/api/runs/$id" | json 'd["stages"][0]["ended_at"]')
  seconds "$first" "$ended"
}

baseline() { # command... → seconds for COUNT runs at -P TOTAL_SLOTS
  start=$(date +%s.%N)
  seq "$COUNT" | xargs -P "$TOTAL" -I{} "$@"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}

TOTAL=$((SLOTS * NODES))
rate() { python3 -c "print(f'{$1 / $2:.0f}')"; }

run_job noop 50 >/dev/null   # warm-up
t_noop=$(run_job noop "$NOOP")
COUNT=$NOOP; b_noop=$(baseline true)
t_nap=$(run_job nap "$SLEEPS")
COUNT=$SLEEPS; b_nap=$(baseline sleep 0.05)
t_half=$(run_job half 60)
rss=$(for p in $PIDS; do awk '/VmHWM/ {print $2}' "/proc/$p/status"; done | sort -n | tail -1)

echo "flowbus fan-out, $NODES node(s) x $SLOTS slots, $(nproc) cores, $(java -version 2>&1 | head -1)"
printf '%-28s %10s %12s %12s\n' "workload" "seconds" "tasks/s" "ideal s"
printf '%-28s %10s %12s %12s\n' "flowbus $NOOP x true" "$t_noop" "$(rate "$NOOP" "$t_noop")" "-"
printf '%-28s %10s %12s %12s\n' "xargs -P$TOTAL $NOOP x true" "$b_noop" "$(rate "$NOOP" "$b_noop")" "-"
printf '%-28s %10s %12s %12s\n' "flowbus $SLEEPS x sleep 0.05" "$t_nap" "$(rate "$SLEEPS" "$t_nap")" "$(python3 -c "print(f'{$SLEEPS * 0.05 / $TOTAL:.2f}')")"
printf '%-28s %10s %12s %12s\n' "xargs -P$TOTAL $SLEEPS x sleep 0.05" "$b_nap" "$(rate "$SLEEPS" "$b_nap")" "-"
printf '%-28s %10s %12s %12s\n' "flowbus 60 x sleep 0.5" "$t_half" "$(rate 60 "$t_half")" "$(python3 -c "print(f'{60 * 0.5 / $TOTAL:.2f}')")"
echo "peak RSS of the largest node: $((rss / 1024)) MiB"
