// Package provider maps the Terraform random provider onto the Pulumi package "random" with the
// same tokens that the npm package @pulumi/random uses.
package provider

import (
	"context"
	_ "embed"
	"fmt"
	"unicode"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-providers/terraform-provider-random/shim"

	"stackpilot.local/random-provider/pkg/version"
)

//go:embed cmd/pulumi-resource-random/bridge-metadata.json
var bridgeMetadata []byte

const (
	pkgName = "random"
	modName = "index"
)

// resourceToken gives "random:index/randomPassword:RandomPassword" for "RandomPassword".
func resourceToken(name string) tokens.Type {
	file := string(unicode.ToLower(rune(name[0]))) + name[1:]
	return tokens.Type(pkgName + ":" + modName + "/" + file + ":" + name)
}

// randomBytesID uses the base64 value as the id, as upstream pulumi-random does.
func randomBytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	b, ok := state["base64"]
	if !ok {
		return "", fmt.Errorf("random_bytes: no base64 property in state")
	}
	if b.IsSecret() {
		b = b.SecretValue().Element
	}
	if !b.IsString() {
		return "", fmt.Errorf("random_bytes: base64 property is not a string")
	}
	return resource.ID(b.StringValue()), nil
}

// Provider returns the bridge configuration.
func Provider() tfbridge.ProviderInfo {
	return tfbridge.ProviderInfo{
		Name:        pkgName,
		P:           pftfbridge.ShimProvider(shim.NewProvider()),
		Version:     version.Version,
		Description: "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:    []string{"pulumi", "random"},
		License:     "Apache-2.0",
		Homepage:    "https://pulumi.io",
		Repository:  "https://github.com/pulumi/pulumi-random",
		GitHubOrg:   "terraform-providers",
		Resources: map[string]*tfbridge.ResourceInfo{
			"random_bytes":    {Tok: resourceToken("RandomBytes"), ComputeID: randomBytesID},
			"random_id":       {Tok: resourceToken("RandomId")},
			"random_integer":  {Tok: resourceToken("RandomInteger")},
			"random_password": {Tok: resourceToken("RandomPassword")},
			"random_pet":      {Tok: resourceToken("RandomPet")},
			"random_shuffle":  {Tok: resourceToken("RandomShuffle")},
			"random_string":   {Tok: resourceToken("RandomString")},
			"random_uuid":     {Tok: resourceToken("RandomUuid")},
		},
		JavaScript: &tfbridge.JavaScriptInfo{},
		MetadataInfo: tfbridge.NewProviderMetadata(bridgeMetadata),
	}
}
