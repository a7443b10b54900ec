# Pinned versions of the test bed's third-party binaries, and where they are cached.
# Changing a pin rebuilds that binary on the next `scripts/testbed build`.
# shellcheck shell=bash
K8S_VERSION=${K8S_VERSION:-v1.36.3}   # current minor; builds with Go 1.26
ETCD_VERSION=${ETCD_VERSION:-v3.6.16} # the 3.6 line envtest pairs with k8s 1.36
HELM_VERSION=${HELM_VERSION:-v4.3.1}  # no replace lines: plain go install
DRS_TESTBED_CACHE=${DRS_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dr-syncer/testbed}
