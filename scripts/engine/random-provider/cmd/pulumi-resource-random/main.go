// Command pulumi-resource-random is the Pulumi resource plugin for the "random" package.
package main

import (
	"context"
	_ "embed"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	provider "stackpilot.local/random-provider"
)

//go:embed schema.json
var schema []byte

func main() {
	meta := pftfbridge.ProviderMetadata{PackageSchema: schema}
	pftfbridge.Main(context.Background(), "random", provider.Provider(), meta)
}
