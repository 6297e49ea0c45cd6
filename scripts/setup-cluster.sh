#!/usr/bin/env bash
# Builds the throwaway Kubernetes control plane the cluster tests run against (../shared/CLUSTER.md):
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes), plus kwok's
# stage configs. Everything is cached outside the repository; with the cache full a run takes
# seconds and builds nothing.
#
#   bash scripts/setup-cluster.sh      (what `npm run setup` calls)
#
# Environment:
#   STACKPILOT_CLUSTER_DIR   cache dir (default: ~/.cache/stackpilot/cluster)
#   STACKPILOT_ENGINE_JOBS   parallelism for `go build -p` (default: 2)
#
# Layout of the cache dir:
#   bin/{etcd,kube-apiserver,kube-controller-manager,kube-scheduler,kwok}
#   stages/   kwok's stage configs from its module source (node and pod lifecycle)
#   build/    wrapper modules
#   manifest.json  {"bin": DIR, "stages": DIR, "kubernetes": VERSION, ...} written at the end
set -euo pipefail

K8S_VERSION=v1.34.2
STAGING_VERSION=v0.34.2 # the published staging modules of the same minor
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0

DIR="${STACKPILOT_CLUSTER_DIR:-$HOME/.cache/stackpilot/cluster}"
JOBS="${STACKPILOT_ENGINE_JOBS:-2}"
log() { printf 'cluster: %s\n' "$*" >&2; }
die() {
  printf 'cluster: ERROR: %s\n' "$*" >&2
  exit 1
}

mkdir -p "$DIR/bin" "$DIR/build" "$DIR/stages"
DIR="$(cd "$DIR" && pwd)"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DIR/.lock"
  flock -n 9 || {
    log "another setup run holds $DIR/.lock; waiting for it…"
    flock 9
  }
fi

MANIFEST="$DIR/manifest.json"
want="$K8S_VERSION $ETCD_VERSION $KWOK_VERSION"
have_all() {
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    [ -x "$DIR/bin/$b" ] || return 1
  done
  [ -f "$DIR/stages/pod-ready.yaml" ] && [ -f "$DIR/.versions" ] && [ "$(cat "$DIR/.versions")" = "$want" ]
}
if have_all && [ -f "$MANIFEST" ]; then
  log "cached in $DIR"
  exit 0
fi
command -v go >/dev/null 2>&1 || die "Go is needed to build the test control plane (install Go >= 1.24)."
export GOFLAGS=-mod=mod CGO_ENABLED=0
START=$(date +%s)

build_kube() {
  local work="$DIR/build/kube"
  local need=0
  for b in kube-apiserver kube-controller-manager kube-scheduler; do [ -x "$DIR/bin/$b" ] || need=1; done
  [ "$need" = 1 ] || return 0
  log "building kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION (first time: ~10 min)"
  # The servers report this version (discovery, /version); a module build has no git stamp.
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  local V=k8s.io/component-base/version
  VERSION_FLAGS="-X $V.gitVersion=$K8S_VERSION -X $V.gitMajor=1 -X $V.gitMinor=$minor -X $V.gitTreeState=clean"
  mkdir -p "$work"
  local src
  src=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})')
  (
    cd "$work"
    rm -f go.mod go.sum
    go mod init stackpilot.local/cluster >/dev/null 2>&1
    go mod edit -require "k8s.io/kubernetes@$K8S_VERSION"
    # Every staging module that kubernetes replaces with ./staging/... becomes its published release.
    (cd "$src" && go mod edit -json) | node -e '
      let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
        for (const r of JSON.parse(s).Replace||[]) if (r.New.Path.startsWith("./staging/")) console.log(r.Old.Path)})' |
      while read -r m; do go mod edit -replace "$m=$m@$STAGING_VERSION"; done
    cat >tools.go <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
EOF
    go mod tidy >/dev/null
    for b in kube-apiserver kube-controller-manager kube-scheduler; do
      [ -x "$DIR/bin/$b" ] && continue
      go build -p "$JOBS" -trimpath -buildvcs=false -ldflags "$VERSION_FLAGS" -o "$DIR/bin/$b.tmp" "k8s.io/kubernetes/cmd/$b"
      mv -f "$DIR/bin/$b.tmp" "$DIR/bin/$b"
      log "  built $b"
    done
  )
}

build_etcd() {
  [ -x "$DIR/bin/etcd" ] && return 0
  log "building etcd $ETCD_VERSION"
  local work="$DIR/build/etcd"
  mkdir -p "$work"
  (
    cd "$work"
    rm -f go.mod go.sum
    go mod init stackpilot.local/etcd >/dev/null 2>&1
    go mod edit -require "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    cat >tools.go <<'EOF'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
EOF
    go mod tidy >/dev/null
    go build -p "$JOBS" -trimpath -buildvcs=false -o "$DIR/bin/etcd.tmp" go.etcd.io/etcd/server/v3
    mv -f "$DIR/bin/etcd.tmp" "$DIR/bin/etcd"
  )
}

build_kwok() {
  if [ ! -x "$DIR/bin/kwok" ]; then
    log "building kwok $KWOK_VERSION"
    GOBIN="$DIR/build/kwok-bin" go install -trimpath "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
    mv -f "$DIR/build/kwok-bin/kwok" "$DIR/bin/kwok"
  fi
  local src
  src=$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')
  cp -f "$src/kustomize/stage/node/fast/node-initialize.yaml" "$DIR/stages/node-initialize.yaml"
  cp -f "$src/kustomize/stage/node/heartbeat/node-heartbeat.yaml" "$DIR/stages/node-heartbeat.yaml"
  for f in pod-ready pod-complete pod-delete; do
    cp -f "$src/kustomize/stage/pod/fast/$f.yaml" "$DIR/stages/$f.yaml"
  done
  chmod u+w "$DIR"/stages/*.yaml
}

build_etcd
build_kwok
build_kube

printf '%s' "$want" >"$DIR/.versions"
cat >"$MANIFEST.tmp" <<EOF
{"bin": "$DIR/bin", "stages": "$DIR/stages", "kubernetes": "$K8S_VERSION", "etcd": "$ETCD_VERSION", "kwok": "$KWOK_VERSION"}
EOF
mv -f "$MANIFEST.tmp" "$MANIFEST"
log "ready in $(($(date +%s) - START))s: $DIR"
