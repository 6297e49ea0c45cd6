#!/usr/bin/env bash
# placeholder - being written
set -euo pipefail
DIR="${STACKPILOT_ENGINE_DIR:-$HOME/.cache/stackpilot/engine}"
CLI_VERSION=3.274.1
mkdir -p "$DIR/bin" "$DIR/home" "$DIR/build"
M=github.com/pulumi/pulumi/pkg/v3
src=$(go mod download -json "$M@v$CLI_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
echo "src=$src"
work="$DIR/build/pulumi-cli-v$CLI_VERSION"
rm -rf "$work"; cp -r "$src" "$work"; chmod -R u+w "$work"
cd "$work"
go mod edit -replace "github.com/pulumi/pulumi/sdk/v3=github.com/pulumi/pulumi/sdk/v3@v$CLI_VERSION"
time GOFLAGS=-mod=mod CGO_ENABLED=0 go build -p 2 -trimpath -buildvcs=false -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$CLI_VERSION" -o "$DIR/bin/pulumi.tmp" ./cmd/pulumi
mv "$DIR/bin/pulumi.tmp" "$DIR/bin/pulumi"
"$DIR/bin/pulumi" version
