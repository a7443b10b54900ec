# Process plumbing for the test bed: start a component in its own session
# (so its whole process group can be signalled), wait for readiness with a
# deadline while watching that it has not died, and stop it.
# Every component of a cluster keeps three files in the cluster's folder:
#   <name>.cmd  its argv, one argument per line (so `start` can run it again)
#   <name>.pid  the pid, which is also its process group and session id
#   logs/<name>.log
# shellcheck shell=bash

readonly STOP_GRACE_SECONDS=10 # etcd and kube-apiserver exit on SIGTERM well within this

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# component_pid CLUSTER_DIR NAME: prints the pid if the component is alive.
component_pid() {
  local pidfile="$1/$2.pid" pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# component_start CLUSTER_DIR NAME: runs the argv saved in NAME.cmd.
component_start() {
  local cdir=$1 name=$2 argv=()
  mapfile -t argv <"$cdir/$name.cmd"
  mkdir -p "$cdir/logs"
  # setsid makes the child a session and group leader: pid == pgid, so `stop`
  # can signal every process it ever spawns. stdin from /dev/null so nothing
  # waits on the caller's terminal.
  setsid "${argv[@]}" >>"$cdir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$cdir/$name.pid"
}

# component_fail CLUSTER_DIR NAME WHY: report with the tail of the log and exit.
component_fail() {
  local cdir=$1 name=$2 why=$3
  log "error: $(basename "$cdir")/$name $why; last lines of $cdir/logs/$name.log:"
  tail -n 15 "$cdir/logs/$name.log" 2>/dev/null | sed 's/^/    /' >&2
  exit 1
}

# component_wait CLUSTER_DIR NAME TIMEOUT CHECK...: polls CHECK (a command)
# until it succeeds, failing fast when the component exits.
component_wait() {
  local cdir=$1 name=$2 timeout=$3
  shift 3
  local deadline=$((SECONDS + timeout))
  while ! "$@" >/dev/null 2>&1; do
    component_pid "$cdir" "$name" >/dev/null || component_fail "$cdir" "$name" "exited during start-up"
    ((SECONDS < deadline)) || component_fail "$cdir" "$name" "was not ready after ${timeout}s"
    sleep 0.2 # polling interval of a readiness probe, not synchronisation
  done
}

# component_stop CLUSTER_DIR NAME [SIGNAL]: SIGNAL (default TERM) to the
# group, SIGKILL after the grace. `KILL` simulates a crash.
component_stop() {
  local cdir=$1 name=$2 signal=${3:-TERM} pid
  pid=$(component_pid "$cdir" "$name") || { rm -f "$cdir/$name.pid"; return 0; }
  kill "-$signal" -- "-$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_GRACE_SECONDS))
  while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 -- "-$pid" 2>/dev/null; then
    # kube-apiserver drains open watches before exiting; do not wait forever.
    log "$(basename "$cdir")/$name still draining ${STOP_GRACE_SECONDS}s after SIGTERM; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    while kill -0 -- "-$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$cdir/$name.pid"
}

# port_in_use PORT: true when something listens on 127.0.0.1:PORT (or any address).
port_in_use() {
  ss -Htln "sport = :$1" | grep -q .
}

# free_port: sets REPLY to a port nobody listens on and that this run has not
# handed out (no subshell, so the taken set survives between calls).
declare -A TESTBED_PORTS_TAKEN=()
free_port() {
  local port tries=0
  while ((tries++ < 200)); do
    port=$((20000 + RANDOM % 30000))
    [[ -n ${TESTBED_PORTS_TAKEN[$port]:-} ]] && continue
    port_in_use "$port" && continue
    TESTBED_PORTS_TAKEN[$port]=1
    REPLY=$port
    return 0
  done
  die "no free TCP port found between 20000 and 50000"
}
