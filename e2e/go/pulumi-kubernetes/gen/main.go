// Command gen writes schema-embed.json and terraform-mapping-embed.json next to the provider's main, as
// upstream's provider/cmd/pulumi-resource-kubernetes/generate.go does: the schema with its version set,
// both re-serialised compactly. Usage: go run ./gen <module cmd dir> <version> <out dir>.
package main

import (
	"encoding/json"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: gen <module cmd dir> <version> <out dir>")
	}
	src, version, out := os.Args[1], os.Args[2], os.Args[3]
	raw, err := os.ReadFile(filepath.Join(src, "schema.json"))
	if err != nil {
		log.Fatal(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		log.Fatalf("cannot deserialize schema: %v", err)
	}
	spec.Version = version
	versioned, err := json.Marshal(spec)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "schema-embed.json"), versioned, 0o600); err != nil {
		log.Fatal(err)
	}
	raw, err = os.ReadFile(filepath.Join(src, "terraform-mapping.json"))
	if err != nil {
		log.Fatal(err)
	}
	var mapping interface{}
	if err := json.Unmarshal(raw, &mapping); err != nil {
		log.Fatalf("cannot deserialize terraform mapping: %v", err)
	}
	compact, err := json.Marshal(mapping)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "terraform-mapping-embed.json"), compact, 0o600); err != nil {
		log.Fatal(err)
	}
}
