#!/usr/bin/env bash
# `scripts/testbed kubelet` end to end, on a bed of its own: two clusters get
# process kubelets on distinct node addresses, a pod with a testbed CSI claim
# runs, a crashed kubelet's containers and mounts are cleared by the next
# one, and `down` leaves no process and no mount behind.
# usage: testbed_kubelet_test.sh DRS_PROCESS_KUBELET_BINARY
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
binary=${1:?usage: testbed_kubelet_test.sh DRS_PROCESS_KUBELET_BINARY}
bed=$(mktemp -d /tmp/drs-testbed-kubelet.XXXXXX)
tb() { "$repo/scripts/testbed" --dir "$bed" "$@"; }
failures=0
pass() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi; }
cleanup() { tb down >/dev/null 2>&1 || true; rm -rf "$bed"; }
trap cleanup EXIT
mounts_under() { awk '{print $5}' /proc/self/mountinfo | grep -c "^$1" || true; }
# (a function, not `bash -c`: a shell whose command line names DIR would match itself)
no_process_under() { ! pgrep -f -- "$1" >/dev/null; }
# wait_for WHAT CMD...: polls CMD for up to 60 s.
wait_for() {
  local what=$1 deadline=$((SECONDS + 60))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { fail "$what (timed out)"; return 1; }
    sleep 0.2 # polling the API, not synchronisation
  done
  pass "$what"
}

tb up --clusters source,dr
tb kubelet start source --nodes 2 --binary "$binary"
tb kubelet start dr --nodes 1 --binary "$binary"
check "source node-2 is at 127.0.1.2" \
  test "$(tb kubectl source get node node-2 -o jsonpath='{.status.addresses[0].address}')" = 127.0.1.2
check "dr node-1 is at 127.0.2.1" \
  test "$(tb kubectl dr get node node-1 -o jsonpath='{.status.addresses[0].address}')" = 127.0.2.1
check "status lists the kubelet" bash -c "'$repo/scripts/testbed' --dir '$bed' status | grep -q 'kubelet  *running'"

tb kubectl source create namespace app >/dev/null
tb kubectl source apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-app}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  claimRef: {namespace: app, name: data}
  csi: {driver: testbed.dr-syncer.io, volumeHandle: pv-app}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: app}
spec: {accessModes: [ReadWriteOnce], storageClassName: "", volumeName: pv-app,
       resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: writer, namespace: app}
spec:
  containers:
  - {name: c, image: testbed/exec, command: [sh, -c, "echo hi > /data/f; sleep 1000"],
     volumeMounts: [{name: d, mountPath: /data}]}
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
YAML
wait_for "the pod writes into its claim" test -s "$bed/clusters/source/volumes/pv-app/f"
check "the claim is mounted under a node root" test "$(mounts_under "$bed/clusters/source/nodes/node-")" -ge 2

tb kubelet stop source --kill
check "a crashed kubelet leaves its containers" pgrep -f -- "$bed/clusters/source/nodes/"
tb kubelet start source --nodes 2 --binary "$binary"
wait_for "the restarted kubelet runs the pod again" bash -c \
  "'$repo/scripts/testbed' --dir '$bed' kubectl source -n app get pod writer -o jsonpath='{.status.containerStatuses[0].restartCount}' | grep -qx 1"

tb kubelet stop source
check "a stopped kubelet leaves no container" no_process_under "$bed/clusters/source/nodes/"
check "a stopped kubelet leaves no mount" test "$(mounts_under "$bed/clusters/source/nodes")" -eq 0
check "a stopped kubelet removes its nodes" bash -c \
  "test -z \"\$('$repo/scripts/testbed' --dir '$bed' kubectl source get nodes -o name)\""

# down with a crashed kubelet (containers and mounts left) still cleans up.
tb kubelet start source --nodes 1 --binary "$binary"
wait_for "the pod runs once more" bash -c \
  "grep -q '$bed/clusters/source/nodes/node-1/var/lib/kubelet/pods/.*kubernetes.io~csi' /proc/self/mountinfo"
tb kubelet stop source --kill
tb down
check "down leaves no process" no_process_under "$bed/"
check "down leaves no mount" test "$(mounts_under "$bed")" -eq 0
check "down removes the bed" test ! -e "$bed"

((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
