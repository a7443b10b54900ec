#!/usr/bin/env bash
# Builds the real Kubernetes control-plane binaries the test bed runs, from the
# Go module proxy, into a cache outside git keyed by version. Idempotent: a
# binary whose recorded version matches its pin is not rebuilt.
#
# Why a wrapper module: k8s.io/kubernetes lists its staging modules at v0.0.0
# with `replace` lines that Go ignores in a dependency, so `go install
# k8s.io/kubernetes/cmd/...@vX` is refused. A small main module that requires
# it and replaces every staging module with the published v0.<minor>.<patch>
# resolves the graph. etcd's server module has replaces too and gets its own
# wrapper (one wrapper per tool so their dependency graphs never mix).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
source "$here/versions.sh"

log() { printf '[build-k8s-bins] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not installed; the test bed needs the Go toolchain to build kube-apiserver and etcd"

k8s_dir="$DRS_TESTBED_CACHE/k8s-$K8S_VERSION"
etcd_dir="$DRS_TESTBED_CACHE/etcd-$ETCD_VERSION"
helm_dir="$DRS_TESTBED_CACHE/helm-$HELM_VERSION"

stamp_ok() { [[ -f "$1/bin/.complete" ]]; }

build_k8s() {
  if stamp_ok "$k8s_dir"; then log "kubernetes $K8S_VERSION: cached in $k8s_dir/bin"; return; fi
  log "kubernetes $K8S_VERSION: building kube-apiserver, kube-controller-manager, kubectl (cold: ~15-30 min)"
  local staging=${K8S_VERSION/#v1./v0.}
  local minor; minor=$(cut -d. -f2 <<<"$K8S_VERSION")
  mkdir -p "$k8s_dir/src" "$k8s_dir/bin"
  (
    cd "$k8s_dir/src"
    cat > go.mod <<MOD
module testbed.local/k8sbins

go 1.26

// upstream sets this in its own go.mod, which is ignored for a dependency
godebug default=go1.24
MOD
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the module proxy"
    local m
    for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$gomod"); do
      go mod edit -replace="$m=$m@$staging"
    done
    go get -tool \
      "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION"
    local ldf="-s -w" pkg date
    date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    # Stamp versions like upstream hack/lib/version.sh, else /version says v0.0.0-master.
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldf+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ldf+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
    done
    CGO_ENABLED=0 go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags="$ldf" \
      -o "$k8s_dir/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kubectl
  )
  "$k8s_dir/bin/kube-apiserver" --version | grep -q "$K8S_VERSION" || die "kube-apiserver reports the wrong version"
  touch "$k8s_dir/bin/.complete"
}

build_etcd() {
  if stamp_ok "$etcd_dir"; then log "etcd $ETCD_VERSION: cached in $etcd_dir/bin"; return; fi
  log "etcd $ETCD_VERSION: building"
  mkdir -p "$etcd_dir/src" "$etcd_dir/bin"
  (
    cd "$etcd_dir/src"
    printf 'module testbed.local/etcdbin\n\ngo 1.26\n' > go.mod
    go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$etcd_dir/bin/etcd" go.etcd.io/etcd/server/v3
  )
  "$etcd_dir/bin/etcd" --version | grep -q "${ETCD_VERSION#v}" || die "etcd reports the wrong version"
  touch "$etcd_dir/bin/.complete"
}

build_helm() {
  if stamp_ok "$helm_dir"; then log "helm $HELM_VERSION: cached in $helm_dir/bin"; return; fi
  log "helm $HELM_VERSION: building"
  mkdir -p "$helm_dir/bin"
  # helm's go.mod has no replace lines, so go install works directly.
  GOBIN="$helm_dir/bin" CGO_ENABLED=0 go install -trimpath -ldflags="-s -w" \
    "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  touch "$helm_dir/bin/.complete"
}

what=${1:-all}
case "$what" in
  all) build_etcd; build_k8s; build_helm ;;
  etcd) build_etcd ;;
  k8s) build_k8s ;;
  helm) build_helm ;;
  *) die "unknown target '$what' (all|etcd|k8s|helm)" ;;
esac
