#!/bin/sh
# Simulates `docker compose -f docker/compose.yaml up --scale worker=N` without a Docker engine:
# the controller and N workers run the fat jar, each in a network namespace of its own on one
# bridge (the compose network, 172.28.0.0/16), where the names `controller` and `worker` resolve
# as compose's DNS resolves them, with the environment the compose file gives them (the same
# env files). Then it runs a fan-out job through the controller and checks every worker took part.
#   Usage (as root, after mvn package): docker/simulate-compose.sh [N]      N defaults to 3
set -eu
cd "$(dirname "$0")/.."
N=${1:-3}
JAR=${FLOWBUS_JAR:-target/flowbus.jar}
ID=$$
BRIDGE=fbc$ID
WORK=$(mktemp -d /tmp/flowbus-compose.XXXXXX)
NAMESPACES=""
PIDS=""

say() { printf '%s\n' "$*"; }
fail() { say "FAILED: $*" >&2; for f in "$WORK"/*.log; do say "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
  for ns in $NAMESPACES; do ip netns del "$ns" 2>/dev/null || true; rm -rf "/etc/netns/$ns"; done
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || fail "needs root for network namespaces"
command -v ip >/dev/null || fail "needs iproute2 (ip)"
command -v curl >/dev/null || fail "needs curl"
[ -f "$JAR" ] || fail "no $JAR: run mvn -B package -DskipTests first"
if ip route | grep -q '^172\.28\.'; then fail "172.28.0.0/16 is in use on this machine"; fi

CONTROLLER_IP=172.28.0.2
worker_ip() { echo "172.28.0.$((10 + $1))"; }

# the compose network
ip link add "$BRIDGE" type bridge
ip addr add 172.28.0.1/16 dev "$BRIDGE"
ip link set "$BRIDGE" up

hosts_file() {
  printf '127.0.0.1 localhost\n%s controller\n' "$CONTROLLER_IP"
  h=1; while [ "$h" -le "$N" ]; do printf '%s worker\n' "$(worker_ip "$h")"; h=$((h + 1)); done
}

add_host() { # name address
  ns=fbc$ID-$1
  ip netns add "$ns"
  NAMESPACES="$NAMESPACES $ns"
  ip link add "fbv$ID$1" type veth peer name eth0 netns "$ns"
  ip link set "fbv$ID$1" master "$BRIDGE"
  ip link set "fbv$ID$1" up
  ip -n "$ns" addr add "$2/16" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  mkdir -p "/etc/netns/$ns"
  hosts_file > "/etc/netns/$ns/hosts"
}

start_node() { # name service
  ns=fbc$ID-$1
  (
    set -a
    . docker/common.env
    . "docker/$2.env"
    set +a
    # the paths the image has, as they are on this machine
    FLOWBUS_DATA_DIR=$WORK/data
    FLOWBUS_CONFIG=$PWD/example/task_job_config.yaml
    export FLOWBUS_DATA_DIR FLOWBUS_CONFIG
    exec ip netns exec "$ns" java -Xmx256m -jar "$JAR"
  ) > "$WORK/$1.log" 2>&1 &
  PIDS="$PIDS $!"
}

add_host c "$CONTROLLER_IP"
start_node c controller
i=1
while [ "$i" -le "$N" ]; do
  add_host "w$i" "$(worker_ip "$i")"
  start_node "w$i" worker
  i=$((i + 1))
done

API=http://$CONTROLLER_IP:8080
wait_for() { # seconds description command...
  limit=$1; what=$2; shift 2
  t=0
  until "$@" >/dev/null 2>&1; do
    t=$((t + 1)); [ "$t" -le "$((limit * 5))" ] || fail "timed out waiting for $what"
    sleep 0.2
  done
}
accepting() { [ "$(curl -sf "$API/api/cluster" | grep -o '"accepting":true' | wc -l)" -eq "$N" ]; }
ready() { curl -sf "http://$1:8080/ready"; }

wait_for 90 "the controller" ready "$CONTROLLER_IP"
i=1; while [ "$i" -le "$N" ]; do wait_for 90 "worker $i" ready "$(worker_ip "$i")"; i=$((i + 1)); done
wait_for 60 "$N workers accepting tasks" accepting
say "cluster formed: controller + $N workers"

RUN=$(curl -sf -X POST "$API/api/jobs/word-count/runs?lines_per_section=10" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
[ -n "$RUN" ] || fail "the run was not created"
state() { curl -sf "$API/api/runs/$RUN" | sed -n 's/^{"id":"[^"]*","job":"[^"]*","state":"\([A-Z]*\)".*/\1/p'; }
t=0
while :; do
  s=$(state)
  case "$s" in SUCCEEDED) break ;; FAILED|CANCELLED) fail "run $RUN ended $s" ;; esac
  t=$((t + 1)); [ "$t" -le 600 ] || fail "run $RUN did not end"
  sleep 0.2
done
say "run $RUN SUCCEEDED: $(curl -sf "$API/api/runs/$RUN/files/result/summary.txt" | tr '\n' ' ')"

USED=$(curl -sf "$API/api/runs/$RUN/tasks?stage=0&limit=10000" | grep -o '"node":"[^"]*"' | sort -u)
i=1
while [ "$i" -le "$N" ]; do
  node=$(curl -sf "http://$(worker_ip "$i"):8080/health" | sed -n 's/.*"node":"\([^"]*\)".*/\1/p')
  count=$(curl -sf "$API/api/runs/$RUN/tasks?stage=0&limit=10000" | grep -o "\"node\":\"$node\",\"exit_code\"" | wc -l)
  printf '%s' "$USED" | grep -q "$node" || fail "worker $i ($node) ran no task"
  say "worker $i ($node) ran $count tasks"
  i=$((i + 1))
done
say "every worker took part"
