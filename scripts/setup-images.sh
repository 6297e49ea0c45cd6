#!/usr/bin/env bash
# Builds the image tools that the image tests run (test/support/registry): crane (pushes and
# inspects images over the OCI distribution API), actionlint (checks generated CI workflows) and
# the distribution registry (a real OCI registry the tests start on loopback), and installs
# buildah (builds images from a Dockerfile; as root with vfs storage and chroot isolation).
# Everything built is cached outside the repository; with the cache full a run takes seconds and
# builds nothing.
#
#   bash scripts/setup-images.sh      (what `npm run setup` calls)
#
# Environment:
#   STACKPILOT_IMAGES_DIR   cache dir (default: ~/.cache/stackpilot/images)
#
# Layout of the cache dir:
#   bin/{crane,actionlint,registry}   built with `go install` from the Go module proxy
#   build/gobin/                      GOBIN of the builds (moved into bin/ when done)
#   manifest.json  {"bin": DIR, "crane": VERSION, "actionlint": VERSION, "registry": VERSION,
#                   "buildah": PATH|null} written at the end
#
# buildah comes from apt-get (Debian's package) when it is missing, apt-get exists and we are
# root; otherwise this says so and goes on: the tests that need buildah then fail with that reason.
# A tool that does not build fails the run.
set -euo pipefail

CRANE_VERSION=v0.22.1
ACTIONLINT_VERSION=v1.7.12
REGISTRY_VERSION=v3.1.2

CRANE_PKG=github.com/google/go-containerregistry/cmd/crane
ACTIONLINT_PKG=github.com/rhysd/actionlint/cmd/actionlint
REGISTRY_PKG=github.com/distribution/distribution/v3/cmd/registry
# Without this the registry reports "vX+unknown" (a module build has no release stamp).
REGISTRY_VERSION_VAR=github.com/distribution/distribution/v3/version.version

DIR="${STACKPILOT_IMAGES_DIR:-$HOME/.cache/stackpilot/images}"
log() { printf 'images: %s\n' "$*" >&2; }
die() {
  printf 'images: ERROR: %s\n' "$*" >&2
  exit 1
}

mkdir -p "$DIR/bin" "$DIR/build/gobin"
DIR="$(cd "$DIR" && pwd)"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DIR/.lock"
  flock -n 9 || {
    log "another setup run holds $DIR/.lock; waiting for it…"
    flock 9
  }
fi
START=$(date +%s)

# --- the Go tools ---------------------------------------------------------------------------------
# Each binary is checked by what it reports, so a cache of another version is rebuilt.
have() {
  local b="$DIR/bin/$1"
  [ -x "$b" ] || return 1
  case "$1" in
    crane) [ "$("$b" version 2>/dev/null)" = "$CRANE_VERSION" ] ;;
    actionlint) [ "$("$b" -version 2>/dev/null | head -n 1)" = "$ACTIONLINT_VERSION" ] ;;
    registry) "$b" --version 2>/dev/null | grep -q " $REGISTRY_VERSION\$" ;;
  esac
}

build() { # name package version [ldflags]
  local name=$1 pkg=$2 version=$3 ldflags=${4:-}
  GOBIN="$DIR/build/gobin" CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
    go install -trimpath -ldflags "$ldflags" "$pkg@$version"
  mv -f "$DIR/build/gobin/$name" "$DIR/bin/$name"
  have "$name" || die "$name $version built, but $DIR/bin/$name does not report that version"
  log "  built $name $version"
}

todo=()
for t in crane actionlint registry; do have "$t" || todo+=("$t"); done
if [ "${#todo[@]}" -eq 0 ]; then
  log "crane $CRANE_VERSION, actionlint $ACTIONLINT_VERSION, registry $REGISTRY_VERSION: cached"
else
  command -v go >/dev/null 2>&1 || die "Go is needed to build ${todo[*]} (install Go >= 1.24)."
  log "building ${todo[*]} (go install; the registry takes a minute or two the first time)"
  # Independent builds, side by side: one's module downloads overlap another's compile.
  pids=()
  for t in "${todo[@]}"; do
    case "$t" in
      crane) build crane "$CRANE_PKG" "$CRANE_VERSION" & ;;
      actionlint) build actionlint "$ACTIONLINT_PKG" "$ACTIONLINT_VERSION" & ;;
      registry) build registry "$REGISTRY_PKG" "$REGISTRY_VERSION" "-X $REGISTRY_VERSION_VAR=$REGISTRY_VERSION" & ;;
    esac
    pids+=("$!")
  done
  failed=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || {
      log "ERROR: ${todo[$i]} did not build"
      failed=1
    }
  done
  [ "$failed" = 0 ] || exit 1
fi

# --- buildah and jq (Debian packages) ---------------------------------------------------------
# buildah builds the test images; jq runs the generated CI workflow's filters in the tests.
missing=()
for pkg in buildah jq; do command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ "${#missing[@]}" = 0 ]; then
  log "buildah: $(command -v buildah) ($(buildah --version 2>/dev/null || echo 'version unknown')); jq: $(command -v jq)"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 &&
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    log "installed ${missing[*]}"
  else
    log "WARNING: apt-get could not install ${missing[*]}; the tests that need them will fail saying so"
  fi
else
  log "WARNING: ${missing[*]} not installed and cannot be installed here (it needs apt-get and root);"
  log "         install them by hand, or the tests that need them will fail saying so"
fi
BUILDAH=null
if command -v buildah >/dev/null 2>&1; then BUILDAH="\"$(command -v buildah)\""; fi

cat >"$DIR/manifest.json.tmp" <<EOF
{"bin": "$DIR/bin", "crane": "$CRANE_VERSION", "actionlint": "$ACTIONLINT_VERSION", "registry": "$REGISTRY_VERSION", "buildah": $BUILDAH}
EOF
mv -f "$DIR/manifest.json.tmp" "$DIR/manifest.json"
log "ready in $(($(date +%s) - START))s: $DIR"
