#!/usr/bin/env bash
# Finds or builds the Pulumi engine that stackpilot runs (the `pulumi` CLI and the provider
# plugins that @pulumi/kubernetes and @pulumi/random need) and caches it outside the repository.
#
# Works offline: the only network it uses is the Go module proxy (for builds from source).
# Idempotent: with everything cached, a run takes seconds and rebuilds nothing.
#
#   bash scripts/setup-engine.sh          (what `npm run setup` calls)
#
# Environment:
#   STACKPILOT_ENGINE_DIR   cache dir (default: ~/.cache/stackpilot/engine)
#   STACKPILOT_PULUMI_CLI   path of an existing `pulumi` binary to use instead of finding/building one
#   STACKPILOT_ENGINE_JOBS  parallelism for `go build -p` (default: 2)
#
# Layout of the cache dir:
#   bin/pulumi       the CLI (when built here)
#   home/            PULUMI_HOME: provider plugins are installed there
#   build/           work dirs; build/out/ keeps the built plugin binaries
#   manifest.json    {"pulumi", "pulumiHome", "cliVersion", "plugins": {...}} written at the end
#
# See scripts/engine/README.md for what is built from which module version and why.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Pinned versions (resolved once; later runs do not look anything up).
# ---------------------------------------------------------------------------------------------
CLI_VERSION=3.274.1            # pulumi CLI built from source when none is found
CLI_MIN_VERSION=3.181.0        # oldest CLI accepted from PATH (inline refresh/destroy need it)
CLI_MODULE=github.com/pulumi/pulumi/pkg/v3
CLI_PACKAGE=./cmd/pulumi
CLI_VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

# Plugin versions: exactly what the npm packages ask the engine for.
K8S_VERSION=4.34.2             # @pulumi/kubernetes@4.34.2
RANDOM_VERSION=4.21.2          # @pulumi/random@4.21.2

# pulumi-kubernetes: there are no provider/ tags, so the module is only reachable by pseudo-version.
# The release commit of v4.34.2 is not served by the module proxy these machines reach; the only
# pseudo-version of provider/v4 it serves is this one (a master commit of 2026-01-15, between the
# v4.24.1 and v4.25.0 releases). It is built with its version variable set to 4.34.2 and installed
# as kubernetes v4.34.2. The `../sdk` replace becomes the sdk/v4 release right before that commit.
K8S_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199   # commit f47bc2d6f1996444d11c12b4ef083b82585f7c07
K8S_REPLACES=(github.com/pulumi/pulumi-kubernetes/sdk/v4=v4.24.1)
K8S_PACKAGE=./cmd/pulumi-resource-kubernetes
K8S_VERSION_VAR=github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version

# pulumi-random: the pseudo-version of the v4.21.2 release commit (tag v4.21.2 =
# 48ee6c4732b1774945b4732d25263c194ea319f3, 2026-09-17T10:24:37Z). Tried first; the proxy these
# machines reach does not serve any pseudo-version of provider/v4, so the fallback below is what
# normally gets built here.
RANDOM_MODULE=github.com/pulumi/pulumi-random/provider/v4
RANDOM_MODULE_VERSION=v4.0.0-20260917102437-48ee6c4732b1
RANDOM_PACKAGE=./cmd/pulumi-resource-random
RANDOM_VERSION_VAR=github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version
# Fallback: scripts/engine/random-provider, the same Terraform random provider bridged with
# pulumi-terraform-bridge and the same resource tokens as @pulumi/random (go.mod/go.sum pinned there).
RANDOM_FALLBACK_VERSION_VAR=stackpilot.local/random-provider/pkg/version.Version
# The Terraform provider's module path differs from the path in its own go.mod history, so the
# checksum database has no entry for it; go.sum in the template pins its hash instead.
RANDOM_NOSUMDB=github.com/terraform-providers/terraform-provider-random

# ---------------------------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENGINE_TEMPLATES="$SCRIPT_DIR/engine"
DIR="${STACKPILOT_ENGINE_DIR:-$HOME/.cache/stackpilot/engine}"
JOBS="${STACKPILOT_ENGINE_JOBS:-2}"

log() { printf 'engine: %s\n' "$*" >&2; }
die() {
  printf 'engine: ERROR: %s\n' "$*" >&2
  exit 1
}

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
mkdir -p "$DIR/bin" "$DIR/home" "$DIR/build/out"

# One run at a time per cache dir.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DIR/.lock"
  if ! flock -n 9; then
    log "another setup run holds $DIR/.lock; waiting for it…"
    flock 9
  fi
fi

# Offline environment for every pulumi call.
export PULUMI_HOME="$DIR/home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

START_TS=$(date +%s)

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

# version_ge A B: true when version A >= B (both without leading v).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# cli_version BIN: prints the CLI's version without the leading v, or nothing.
cli_version() {
  local out
  out=$("$1" version 2>/dev/null | head -n1) || return 1
  out="${out#v}"
  [[ "$out" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || return 1
  printf '%s\n' "$out"
}

elapsed() { # elapsed SINCE_TS
  local s=$(($(date +%s) - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

need_go() {
  command -v go >/dev/null 2>&1 && return 0
  die "$1 needs to be built from source, and Go is not installed.
  Install Go >= 1.24 (e.g. from the Go distribution or Debian's golang package) and re-run,
  or point STACKPILOT_PULUMI_CLI at an existing pulumi binary (>= $CLI_MIN_VERSION) and put the
  provider plugins (kubernetes $K8S_VERSION, random $RANDOM_VERSION) into $DIR/home with
  'PULUMI_HOME=$DIR/home pulumi plugin install resource NAME vVERSION --file BINARY'."
}

# json_field FIELD: reads one JSON object on stdin, prints a top-level string field.
json_field() {
  node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const v = JSON.parse(s)[process.argv[1]];
      if (v !== undefined && v !== null) process.stdout.write(String(v));
    });' "$1"
}

# module_dir MODULE VERSION: downloads MODULE@VERSION into the module cache and prints its
# (read-only) source dir. Fails when the proxy does not serve it.
module_dir() {
  local out dir err
  out=$(GOFLAGS=-mod=mod go mod download -json "$1@$2" 2>/dev/null) || true
  err=$(printf '%s' "$out" | json_field Error 2>/dev/null || true)
  dir=$(printf '%s' "$out" | json_field Dir 2>/dev/null || true)
  if [ -n "$err" ] || [ -z "$dir" ] || [ ! -d "$dir" ]; then
    [ -n "$err" ] && log "  go mod download $1@$2: $err"
    return 1
  fi
  printf '%s\n' "$dir"
}

# copy_module SRC_DIR WORK_DIR: a writable copy of a module source dir.
copy_module() {
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  cp -R "$1" "$2"
  chmod -R u+w "$2"
}

# fix_relative_replaces WORK_DIR [PATH=VERSION...]: turns each `replace X => ../dir` (a directory
# that is not in the module zip) into `replace X => X@VERSION`: VERSION from the arguments, else
# the version of X that go.mod requires. Replaces that point inside the module are kept.
fix_relative_replaces() {
  local work="$1"
  shift
  local overrides=("$@")
  local old target ver o
  while IFS=$'\t' read -r old target ver; do
    [ -n "$old" ] || continue
    if [ -e "$work/$target" ]; then
      continue
    fi
    for o in "${overrides[@]+"${overrides[@]}"}"; do
      [ "${o%%=*}" = "$old" ] && ver="${o#*=}"
    done
    [ -n "$ver" ] || die "go.mod in $work replaces $old => $target, and requires no version of it"
    log "  replace $old => $old@$ver (was $target)"
    (cd "$work" && go mod edit -replace "$old=$old@$ver")
  done < <(cd "$work" && go mod edit -json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const m = JSON.parse(s);
      const req = Object.fromEntries((m.Require || []).map(r => [r.Path, r.Version]));
      for (const r of m.Replace || []) {
        if (r.New.Version || !/^\.\.?\//.test(r.New.Path)) continue;
        console.log([r.Old.Path, r.New.Path, req[r.Old.Path] || ""].join("\t"));
      }
    });')
}

# go_build WORK_DIR PACKAGE OUT LDFLAGS [extra env assignments...]
go_build() {
  local work="$1" pkg="$2" out="$3" ldflags="$4"
  shift 4
  (
    cd "$work"
    export GOFLAGS=-mod=mod CGO_ENABLED=0
    for kv in "$@"; do export "${kv?}"; done
    go build -p "$JOBS" -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out.tmp" "$pkg"
  )
  mv -f "$out.tmp" "$out"
}

# plugin_installed NAME VERSION: the plugin is in PULUMI_HOME.
plugin_installed() {
  "$PULUMI" plugin ls --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      let list = [];
      try { list = JSON.parse(s) || []; } catch (e) { process.exit(1); }
      const [name, version] = process.argv.slice(1);
      const hit = list.some(p => p.kind === "resource" && p.name === name &&
        String(p.version).replace(/^v/, "") === version);
      process.exit(hit ? 0 : 1);
    });' "$1" "$2"
}

install_plugin() { # install_plugin NAME VERSION BINARY
  local out
  out=$("$PULUMI" plugin install resource "$1" "v$2" --file "$3" --reinstall 2>&1) ||
    die "pulumi plugin install resource $1 v$2 --file $3 failed: $out"
  plugin_installed "$1" "$2" || die "pulumi plugin install did not register $1 $2 in $PULUMI_HOME"
}

# ---------------------------------------------------------------------------------------------
# 1. the CLI
# ---------------------------------------------------------------------------------------------
PULUMI=""
PULUMI_VERSION=""

find_cli() {
  local cand ver
  if [ -n "${STACKPILOT_PULUMI_CLI:-}" ]; then
    [ -x "$STACKPILOT_PULUMI_CLI" ] || die "STACKPILOT_PULUMI_CLI=$STACKPILOT_PULUMI_CLI is not an executable file"
    ver=$(cli_version "$STACKPILOT_PULUMI_CLI") ||
      die "STACKPILOT_PULUMI_CLI=$STACKPILOT_PULUMI_CLI: 'pulumi version' printed no version"
    version_ge "$ver" "$CLI_MIN_VERSION" ||
      log "warning: STACKPILOT_PULUMI_CLI is v$ver, older than v$CLI_MIN_VERSION (inline refresh/destroy may fail)"
    PULUMI="$(cd "$(dirname "$STACKPILOT_PULUMI_CLI")" && pwd)/$(basename "$STACKPILOT_PULUMI_CLI")"
    PULUMI_VERSION="$ver"
    log "pulumi CLI v$ver from STACKPILOT_PULUMI_CLI ($PULUMI)"
    return 0
  fi
  if cand=$(command -v pulumi 2>/dev/null) && ver=$(cli_version "$cand"); then
    if version_ge "$ver" "$CLI_MIN_VERSION"; then
      PULUMI="$(cd "$(dirname "$cand")" && pwd)/$(basename "$cand")"
      PULUMI_VERSION="$ver"
      log "pulumi CLI v$ver from PATH ($PULUMI)"
      return 0
    fi
    log "ignoring pulumi v$ver on PATH ($cand): older than v$CLI_MIN_VERSION"
  fi
  if [ -x "$DIR/bin/pulumi" ] && ver=$(cli_version "$DIR/bin/pulumi") && version_ge "$ver" "$CLI_MIN_VERSION"; then
    PULUMI="$DIR/bin/pulumi"
    PULUMI_VERSION="$ver"
    log "pulumi CLI v$ver: ok (cached)"
    return 0
  fi
  return 1
}

build_cli() {
  need_go "No pulumi CLI was found (STACKPILOT_PULUMI_CLI is unset, there is no pulumi >= $CLI_MIN_VERSION on PATH, none is cached in $DIR/bin), so the pulumi CLI (v$CLI_VERSION)"
  local t0 src work
  t0=$(date +%s)
  log "building pulumi CLI v$CLI_VERSION from $CLI_MODULE@v$CLI_VERSION (this takes a while)…"
  src=$(module_dir "$CLI_MODULE" "v$CLI_VERSION") ||
    die "the Go module proxy does not serve $CLI_MODULE@v$CLI_VERSION; set STACKPILOT_PULUMI_CLI to a pulumi binary"
  work="$DIR/build/pulumi-cli-v$CLI_VERSION"
  copy_module "$src" "$work"
  fix_relative_replaces "$work"
  go_build "$work" "$CLI_PACKAGE" "$DIR/bin/pulumi" "-X $CLI_VERSION_VAR=v$CLI_VERSION"
  PULUMI="$DIR/bin/pulumi"
  PULUMI_VERSION=$(cli_version "$PULUMI") || die "the built $PULUMI does not print its version"
  [ "$PULUMI_VERSION" = "$CLI_VERSION" ] || die "the built CLI reports v$PULUMI_VERSION, expected v$CLI_VERSION"
  log "built pulumi CLI v$PULUMI_VERSION in $(elapsed "$t0")"
}

find_cli || build_cli

# ---------------------------------------------------------------------------------------------
# 2. provider plugins
# ---------------------------------------------------------------------------------------------

build_kubernetes() { # build_kubernetes OUT
  local out="$1" src work gen
  src=$(module_dir "$K8S_MODULE" "$K8S_MODULE_VERSION") ||
    die "the Go module proxy does not serve $K8S_MODULE@$K8S_MODULE_VERSION"
  work="$DIR/build/kubernetes-$K8S_MODULE_VERSION"
  copy_module "$src" "$work"
  fix_relative_replaces "$work" "${K8S_REPLACES[@]}"
  gen="$work/${K8S_PACKAGE#./}"
  log "  go generate $K8S_PACKAGE (schema-embed.json, terraform-mapping-embed.json)"
  (cd "$gen" && GOFLAGS=-mod=mod CGO_ENABLED=0 VERSION="$K8S_VERSION" go generate ./...)
  [ -s "$gen/schema-embed.json" ] || die "go generate did not write $gen/schema-embed.json"
  go_build "$work" "$K8S_PACKAGE" "$out" "-X $K8S_VERSION_VAR=$K8S_VERSION"
}

# Recreates pulumi-random's nested shim module (left out of the module zip): a module whose path
# lies under the Terraform provider's path, exposing that provider's constructor.
recreate_random_shim() { # recreate_random_shim WORK
  local work="$1" shim_path shim_dir tf_path tf_ver fw_ver fn tf_dir internal
  read -r shim_path shim_dir < <(cd "$work" && go mod edit -json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      for (const r of JSON.parse(s).Replace || [])
        if (/^\.\//.test(r.New.Path) && !r.New.Version) { console.log(r.Old.Path, r.New.Path); break; }
    });') || true
  [ -n "${shim_path:-}" ] || return 0
  [ -e "$work/$shim_dir/go.mod" ] && return 0
  tf_path="${shim_path%/shim}"
  tf_ver=$(cd "$work" && go list -m -f '{{.Version}}' "$tf_path" 2>/dev/null) ||
    tf_ver=$(cd "$work" && go mod edit -json | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        const r = (JSON.parse(s).Require || []).find(r => r.Path === process.argv[1]);
        if (r) process.stdout.write(r.Version);
      });' "$tf_path")
  [ -n "$tf_ver" ] || die "cannot tell which version of $tf_path pulumi-random uses"
  fw_ver=$(cd "$work" && go mod edit -json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const r = (JSON.parse(s).Require || []).find(r => r.Path === "github.com/hashicorp/terraform-plugin-framework");
      if (r) process.stdout.write(r.Version);
    });')
  fn=$(grep -rhoE '\bshim\.[A-Z][A-Za-z0-9_]*\(' "$work" --include='*.go' | head -n1 | sed -E 's/^shim\.//; s/\($//')
  fn="${fn:-NewProvider}"
  tf_dir=$(GONOSUMDB="$RANDOM_NOSUMDB" module_dir "$tf_path" "$tf_ver") || die "cannot download $tf_path@$tf_ver"
  if [ -d "$tf_dir/internal/provider" ]; then internal="$tf_path/internal/provider"; else internal="$tf_path/provider"; fi
  log "  recreating nested module $shim_path ($fn() from $internal@$tf_ver)"
  mkdir -p "$work/$shim_dir"
  {
    printf 'module %s\n\ngo 1.22\n\nrequire (\n\t%s %s\n' "$shim_path" "$tf_path" "$tf_ver"
    [ -n "$fw_ver" ] && printf '\tgithub.com/hashicorp/terraform-plugin-framework %s\n' "$fw_ver"
    printf ')\n'
  } >"$work/$shim_dir/go.mod"
  cat >"$work/$shim_dir/shim.go" <<EOF
package shim

import (
	tfpf "github.com/hashicorp/terraform-plugin-framework/provider"
	"$internal"
)

func $fn() tfpf.Provider {
	return provider.New()
}
EOF
}

build_random_upstream() { # build_random_upstream OUT
  local out="$1" src work gen
  src=$(GONOSUMDB="$RANDOM_NOSUMDB" module_dir "$RANDOM_MODULE" "$RANDOM_MODULE_VERSION") || return 1
  work="$DIR/build/random-$RANDOM_MODULE_VERSION"
  copy_module "$src" "$work"
  fix_relative_replaces "$work"
  recreate_random_shim "$work"
  gen="$work/${RANDOM_PACKAGE#./}"
  if grep -q 'go:generate' "$gen"/*.go 2>/dev/null; then
    log "  go generate $RANDOM_PACKAGE (schema-embed.json)"
    (cd "$gen" && GOFLAGS=-mod=mod CGO_ENABLED=0 GONOSUMDB="$RANDOM_NOSUMDB" VERSION="$RANDOM_VERSION" go generate ./...) || return 1
  fi
  go_build "$work" "$RANDOM_PACKAGE" "$out" "-X $RANDOM_VERSION_VAR=$RANDOM_VERSION" "GONOSUMDB=$RANDOM_NOSUMDB"
}

build_random_fallback() { # build_random_fallback OUT
  local out="$1" work ld tfgen
  work="$DIR/build/random-bridge"
  copy_module "$ENGINE_TEMPLATES/random-provider" "$work"
  ld="-X $RANDOM_FALLBACK_VERSION_VAR=$RANDOM_VERSION"
  tfgen="$DIR/build/out/pulumi-tfgen-random"
  log "  building pulumi-tfgen-random (schema generator)"
  go_build "$work" ./cmd/pulumi-tfgen-random "$tfgen" "$ld" "GONOSUMDB=$RANDOM_NOSUMDB"
  log "  generating schema.json and bridge-metadata.json"
  (cd "$work" && GOFLAGS=-mod=mod GONOSUMDB="$RANDOM_NOSUMDB" "$tfgen" schema --out cmd/pulumi-resource-random >"$work/tfgen.log" 2>&1) ||
    { tail -n 30 "$work/tfgen.log" >&2; die "pulumi-tfgen-random failed (log: $work/tfgen.log)"; }
  # Check it, and stamp the version into it (what upstream's generate step does for schema-embed.json).
  node -e '
    const fs = require("fs"), [file, version] = process.argv.slice(1);
    const s = JSON.parse(fs.readFileSync(file, "utf8"));
    if (s.name !== "random" || !s.resources || !s.resources["random:index/randomPassword:RandomPassword"])
      { console.error("unexpected schema.json"); process.exit(1); }
    s.version = version;
    fs.writeFileSync(file, JSON.stringify(s));' "$work/cmd/pulumi-resource-random/schema.json" "$RANDOM_VERSION" ||
    die "pulumi-tfgen-random wrote an unexpected schema.json"
  log "  building pulumi-resource-random"
  go_build "$work" ./cmd/pulumi-resource-random "$out" "$ld" "GONOSUMDB=$RANDOM_NOSUMDB"
}

# ensure_plugin NAME VERSION RECIPE BUILD_FUNCTION
# RECIPE names what the binary is built from; build/out/<binary>.ok records it, so a change of the
# pinned versions or of scripts/engine/ rebuilds the plugin once.
ensure_plugin() {
  local name="$1" version="$2" recipe="$3" builder="$4" out t0 stamp=""
  out="$DIR/build/out/pulumi-resource-$name-v$version"
  [ -f "$out.ok" ] && stamp=$(cat "$out.ok")
  if plugin_installed "$name" "$version" && { [ -z "$stamp" ] || [ "$stamp" = "$recipe" ]; }; then
    log "plugin $name v$version: ok (cached)"
    return 0
  fi
  if [ -x "$out" ] && [ "$stamp" = "$recipe" ]; then
    log "plugin $name v$version: installing the binary built earlier"
  else
    need_go "the $name provider plugin (v$version)"
    t0=$(date +%s)
    log "building plugin $name v$version (this takes a while)…"
    rm -f "$out.ok"
    "$builder" "$out"
    printf '%s\n' "$recipe" >"$out.ok"
    log "built plugin $name v$version in $(elapsed "$t0")"
  fi
  install_plugin "$name" "$version" "$out"
  log "plugin $name v$version: installed into $PULUMI_HOME"
}

build_random() { # tries the upstream module at the release commit, then the bridged template
  local rc
  # A plain subshell (not an `if` condition) so that `set -e` and `die` still stop the attempt.
  set +e
  (build_random_upstream "$1")
  rc=$?
  set -e
  [ "$rc" -eq 0 ] && return 0
  log "  $RANDOM_MODULE@$RANDOM_MODULE_VERSION is not available from the Go module proxy (or did not build);"
  log "  building the bridged Terraform random provider from scripts/engine/random-provider instead"
  build_random_fallback "$1"
}

template_hash() { # a short hash of the files under scripts/engine/random-provider
  (cd "$ENGINE_TEMPLATES/random-provider" && find . -type f | LC_ALL=C sort | xargs sha256sum) |
    sha256sum | cut -c1-16
}

ensure_plugin kubernetes "$K8S_VERSION" \
  "$K8S_MODULE@$K8S_MODULE_VERSION ${K8S_REPLACES[*]} version=$K8S_VERSION" build_kubernetes
ensure_plugin random "$RANDOM_VERSION" \
  "$RANDOM_MODULE@$RANDOM_MODULE_VERSION or random-provider#$(template_hash) version=$RANDOM_VERSION" build_random

# ---------------------------------------------------------------------------------------------
# 3. manifest
# ---------------------------------------------------------------------------------------------
node -e '
  const [file, pulumi, home, cli, k8s, random] = process.argv.slice(1);
  const m = { pulumi, pulumiHome: home, cliVersion: cli, plugins: { kubernetes: k8s, random } };
  const fs = require("fs");
  fs.writeFileSync(file + ".tmp", JSON.stringify(m, null, 2) + "\n");
  fs.renameSync(file + ".tmp", file);
' "$DIR/manifest.json" "$PULUMI" "$PULUMI_HOME" "$PULUMI_VERSION" "$K8S_VERSION" "$RANDOM_VERSION"

log "ok: $DIR/manifest.json (pulumi v$PULUMI_VERSION, kubernetes v$K8S_VERSION, random v$RANDOM_VERSION) in $(elapsed "$START_TS")"
