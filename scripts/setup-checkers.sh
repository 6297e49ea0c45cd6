#!/usr/bin/env bash
# Installs the third-party Kubernetes manifest checkers that test/unit/program/checkers.test.ts
# runs over the program's rendered manifests. Idempotent and cached outside the repository
# (default ~/.cache/stackpilot/checkers): a second run with everything cached takes seconds.
#
#   venv/            python venv with checkov and kubernetes-validate (PyPI)
#   bin/kube-score   built with `go install` from the Go module proxy
#   bin/helm         helm v3, built from the helm.sh/helm/v3 module: the chart tests lint and
#                    template the charts `stackpilot chart` writes (delivery through Pulumi uses
#                    the Helm library inside the Kubernetes provider, not this binary)
#
# Polaris (github.com/fairwindsops/polaris) is not served by the Go module proxy here, so it is
# not installed; the tests print that and check its core rules in TypeScript instead.
# A checker that fails to install fails the set-up (after trying the others): its tests would
# fail anyway, naming `npm run setup`, so the set-up says it first.
set -uo pipefail
failed=0

DIR="${STACKPILOT_CHECKERS_DIR:-$HOME/.cache/stackpilot/checkers}"
CHECKOV_VERSION=3.3.30
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBE_SCORE_VERSION=v1.20.0
HELM_VERSION=v3.22.0
mkdir -p "$DIR/bin"

log() { printf 'setup-checkers: %s\n' "$*"; }

# --- Python checkers -------------------------------------------------------------------------
py_ok() {
  [ -x "$DIR/venv/bin/checkov" ] && [ -x "$DIR/venv/bin/kubernetes-validate" ] &&
    "$DIR/venv/bin/pip" show checkov 2>/dev/null | grep -qx "Version: $CHECKOV_VERSION" &&
    "$DIR/venv/bin/pip" show kubernetes-validate 2>/dev/null | grep -qx "Version: $KUBERNETES_VALIDATE_VERSION"
}
if py_ok; then
  log "checkov $CHECKOV_VERSION and kubernetes-validate $KUBERNETES_VALIDATE_VERSION: cached"
elif command -v python3 >/dev/null; then
  log "installing checkov $CHECKOV_VERSION and kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
  [ -x "$DIR/venv/bin/pip" ] || python3 -m venv "$DIR/venv"
  if "$DIR/venv/bin/pip" install --quiet --disable-pip-version-check \
    "checkov==$CHECKOV_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"; then
    log "python checkers installed"
  else
    log "ERROR: pip install of checkov/kubernetes-validate failed"
    failed=1
  fi
else
  log "ERROR: python3 not found; checkov and kubernetes-validate not installed"
  failed=1
fi

# --- Go-built checkers --------------------------------------------------------------------------
# go_tool NAME VERSION CACHED_CMD LDFLAGS PACKAGE: builds NAME with `go install` unless
# CACHED_CMD (a shell test) says the cache already holds that version. The version is stamped
# in with LDFLAGS, so that the tool's own version command says what the cache holds.
go_tool() {
  local name=$1 version=$2 cached=$3 ldflags=$4 package=$5
  if [ -x "$DIR/bin/$name" ] && eval "$cached"; then
    log "$name $version: cached"
  elif command -v go >/dev/null; then
    log "building $name $version (go install)"
    if GOBIN="$DIR/bin" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -trimpath \
      -ldflags "$ldflags" "$package@$version"; then
      log "$name installed"
    else
      log "ERROR: $name did not build"
      failed=1
    fi
  else
    log "ERROR: go not found; $name not installed"
    failed=1
  fi
}

go_tool kube-score "$KUBE_SCORE_VERSION" \
  '"$DIR/bin/kube-score" version 2>/dev/null | grep -q "version: $KUBE_SCORE_VERSION,"' \
  "-X main.version=$KUBE_SCORE_VERSION" github.com/zegl/kube-score/cmd/kube-score
go_tool helm "$HELM_VERSION" \
  '"$DIR/bin/helm" version --template "{{.Version}}" 2>/dev/null | grep -qx "$HELM_VERSION"' \
  "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" helm.sh/helm/v3/cmd/helm

log "done (cache: $DIR)"
exit "$failed"
