// Package version holds the provider version, set at build time with
// -ldflags "-X stackpilot.local/random-provider/pkg/version.Version=4.21.2".
package version

// Version is the plugin version reported to the Pulumi engine (no leading "v").
var Version = "0.0.1"
