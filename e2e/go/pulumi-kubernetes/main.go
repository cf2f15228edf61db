// Command pulumi-resource-kubernetes is the Pulumi Kubernetes provider, served from the published module.
//
// Upstream's provider/cmd/pulumi-resource-kubernetes/main.go embeds schema-embed.json and
// terraform-mapping-embed.json, which its generate.go writes at build time and which the published module
// therefore lacks. ./gen writes the same two files from the module's schema.json and terraform-mapping.json
// (with the release version set), and this main serves the provider exactly as upstream's does.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
