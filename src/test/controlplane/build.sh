#!/usr/bin/env bash
# Builds the pinned Kubernetes control plane (kube-apiserver, kube-controller-manager, kubectl) and etcd
# from source through the Go module proxy, into a cache folder outside the work tree keyed by the two
# versions and the wrapper modules' checksums. A second run finds the folder and costs nothing.
# Prints the folder holding the four binaries on its last line of stdout.
#
#   STAGECRED_CONTROLPLANE_CACHE  where to keep the binaries (default ~/.cache/stagecred/controlplane)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

module_version() { awk -v m="$1" '$1 == "require" && $2 == m { print $3 }' "$2"; }
k8s_version="$(module_version k8s.io/kubernetes "$here/kubernetes/go.mod")"
etcd_version="$(module_version go.etcd.io/etcd/server/v3 "$here/etcd/go.mod")"
sums="$(cat "$here"/kubernetes/go.{mod,sum} "$here"/etcd/go.{mod,sum} | sha256sum | cut -c1-12)"

cache="${STAGECRED_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stagecred/controlplane}"
dir="$cache/kubernetes-$k8s_version-etcd-$etcd_version-$sums"
bin="$dir/bin"
if [ -f "$dir/complete" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: Go is needed to build the control plane (go.dev/dl)" >&2; exit 2; }
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -f "$dir/complete" ]; then # another build finished while this one waited
  echo "$bin"
  exit 0
fi

# The go.sum files are committed, so every module is checked against them; the toolchain is the
# machine's own (the wrapper modules ask for no newer one).
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -trimpath" CGO_ENABLED=0
tmp="$dir.partial"
rm -rf "$tmp" && mkdir -p "$tmp/bin"
start=$SECONDS

minor="${k8s_version#v1.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean"
done
echo "build.sh: building Kubernetes $k8s_version (kube-apiserver, kube-controller-manager, kubectl)" >&2
(cd "$here/kubernetes" && go build -ldflags "$ldflags" -o "$tmp/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kubectl) >&2
echo "build.sh: building etcd $etcd_version" >&2
(cd "$here/etcd" && go build -ldflags "-s -w" -o "$tmp/bin/etcd" go.etcd.io/etcd/server/v3) >&2

"$tmp/bin/kube-apiserver" --version >&2
"$tmp/bin/etcd" --version >&2
echo "build.sh: built in $((SECONDS - start)) s" >&2
touch "$tmp/complete"
rm -rf "$dir" && mv "$tmp" "$dir"
echo "$bin"
