// Package shim exposes the Terraform random provider's constructor. Its import path lies under
// github.com/terraform-providers/terraform-provider-random/, so Go lets it import that module's
// internal/provider package.
package shim

import (
	tfpf "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns the Terraform Plugin Framework provider for random.
func NewProvider() tfpf.Provider {
	return provider.New()
}
