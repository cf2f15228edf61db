//go:build tools

// The kustomize CLI, built by bench/install.sh for npm run bench's peer run (the engine `kubectl kustomize` embeds).
package tools

import _ "sigs.k8s.io/kustomize/kustomize/v5"
