// Command pulumi-tfgen-random writes schema.json and bridge-metadata.json:
//
//	pulumi-tfgen-random schema --out cmd/pulumi-resource-random
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	provider "stackpilot.local/random-provider"
)

func main() {
	tfgen.Main("random", provider.Provider())
}
