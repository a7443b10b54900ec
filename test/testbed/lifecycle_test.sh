#!/usr/bin/env bash
# The test bed itself, end to end, on a bed of its own (so it can stop and
# break things without disturbing the shared one): clusters are independent,
# RBAC denies restricted identities, the audit log names who wrote what, one
# cluster's API server can stop while the other serves, failures are reported
# clearly and quickly, and `down` leaves no process behind.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bed=$(mktemp -d /tmp/drs-testbed-lifecycle.XXXXXX)
tb() { "$repo/scripts/testbed" --dir "$bed" "$@"; }
failures=0
passes=0
pass() { printf 'ok   %s\n' "$*"; passes=$((passes + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi; }
check_not() { local what=$1; shift; if "$@" >/dev/null 2>&1; then fail "$what"; else pass "$what"; fi; }
cleanup() { tb down >/dev/null 2>&1 || true; [[ -n ${blocker:-} ]] && kill "$blocker" 2>/dev/null; rm -rf "$bed"; }
trap cleanup EXIT

# A missing binary is a clear, immediate error.
out=$(DRS_TESTBED_CACHE=/nonexistent "$repo/scripts/testbed" --dir "$bed" up 2>&1) && fail "up without binaries fails" ||
  { grep -q "scripts/testbed build" <<<"$out" && pass "up without binaries says to build" || fail "missing-binary message: $out"; }

start=$SECONDS
tb up --clusters alpha,beta
pass "two clusters up in $((SECONDS - start))s"
check "status reports both clusters healthy" tb status

check "kubectl alpha get ns" tb kubectl alpha get ns
check "kubectl beta get ns" tb kubectl beta get ns
tb kubectl alpha create namespace only-in-alpha >/dev/null
check "namespace exists in alpha" tb kubectl alpha get namespace only-in-alpha
check_not "namespace is absent from beta" tb kubectl beta get namespace only-in-alpha

# kube-controller-manager works: a Deployment gets a ReplicaSet.
tb kubectl alpha -n only-in-alpha create deployment web --image=example.invalid/web:1 >/dev/null
deadline=$((SECONDS + 60))
until tb kubectl alpha -n only-in-alpha get replicasets -o name 2>/dev/null | grep -q web; do
  ((SECONDS < deadline)) || break
  sleep 0.5
done
check "controller-manager made a ReplicaSet for the Deployment" \
  bash -c "'$repo/scripts/testbed' --dir '$bed' kubectl alpha -n only-in-alpha get replicasets -o name | grep -q web"

# Restricted identities: a certificate user and a ServiceAccount token.
kc=$(tb user alpha jane --group dr-readers)
[[ $(KUBECONFIG=$kc "$(tb path kubectl)" auth whoami -o jsonpath='{.status.userInfo.username}') == jane ]] &&
  pass "minted user authenticates as jane" || fail "minted user identity"
check_not "jane may not list pods (auth can-i)" \
  bash -c "KUBECONFIG='$kc' '$(tb path kubectl)' auth can-i list pods -n only-in-alpha | grep -qx yes"
err=$(KUBECONFIG=$kc "$(tb path kubectl)" -n only-in-alpha get pods 2>&1 || true)
grep -q Forbidden <<<"$err" && pass "jane's real request is Forbidden" || fail "jane's request: $err"
tb kubectl alpha -n only-in-alpha create role pod-reader --verb=get,list --resource=pods >/dev/null
tb kubectl alpha -n only-in-alpha create rolebinding readers --role=pod-reader --group=dr-readers >/dev/null
check "a RoleBinding for jane's group lets her list pods" \
  env KUBECONFIG="$kc" "$(tb path kubectl)" -n only-in-alpha get pods
sa=$(tb serviceaccount alpha only-in-alpha mover)
check_not "a fresh ServiceAccount may not read secrets" \
  bash -c "KUBECONFIG='$sa' '$(tb path kubectl)' -n only-in-alpha get secrets"

# The audit log says which identity wrote what.
audit="$bed/clusters/alpha/logs/audit.log"
check "audit log records testbed-admin creating the namespace" \
  jq -e -s 'any(.[]; .verb=="create" and .objectRef.resource=="namespaces" and .objectRef.name=="only-in-alpha" and .user.username=="testbed-admin")' "$audit"
check "audit log records jane's denied request" \
  jq -e -s 'any(.[]; .user.username=="jane" and .responseStatus.code==403)' "$audit"

# Stop beta's API server (a crash): alpha keeps serving; start it again.
tb stop beta apiserver --kill
check_not "beta does not answer with its API server stopped" tb kubectl beta --request-timeout=3s get ns
check "alpha keeps serving" tb kubectl alpha get ns
tb start beta apiserver
check "beta answers again after restart" tb kubectl beta get ns

# A busy port or a crashing component: a clear message and a non-zero exit.
start=$SECONDS
tb stop beta apiserver
pass "graceful stop of beta's API server took $((SECONDS - start))s"
port=$(sed -n 's/^APISERVER_PORT=//p' "$bed/clusters/beta/cluster.env")
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $port)); s.listen(); time.sleep(600)" &
blocker=$!
until ss -Htln "sport = :$port" | grep -q .; do sleep 0.1; done
start=$SECONDS
out=$(tb start beta apiserver 2>&1) && fail "start on a busy port fails" || {
  grep -q "exited during start-up" <<<"$out" && pass "busy port reported in $((SECONDS - start))s" || fail "busy-port message: $out"
}
kill "$blocker"; wait "$blocker" 2>/dev/null || true; blocker=""

tb down
left=$(pgrep -f -- "$bed/" || true)
[[ -z $left ]] && pass "down leaves no process behind" || fail "processes left after down: $left"
[[ ! -e $bed ]] && pass "down removes the bed folder" || fail "bed folder left after down"

echo "lifecycle: $passes checks passed, $failures failed"
exit $((failures > 0))
