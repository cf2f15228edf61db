#!/usr/bin/env bash
# Installs what npm run bench runs beside Floe: the kustomize CLI (the engine `kubectl kustomize` embeds), pinned in
# bench/go/kustomize/go.mod and built from the Go module proxy into .floe/bench/bin (kept while the pin is unchanged).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$root/.floe/bench/bin"
mkdir -p "$bin"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
if ! command -v go >/dev/null 2>&1; then
  echo "bench install: no 'go' on PATH; the bench builds kustomize with Go" >&2
  exit 1
fi
key="$( (cd "$here/go/kustomize" && go version && sha256sum go.mod go.sum tools.go) | sha256sum | cut -c1-16)"
if [ -x "$bin/kustomize" ] && [ "$(cat "$bin/kustomize.stamp" 2>/dev/null)" = "$key" ]; then
  echo "bench install: kustomize current"
  exit 0
fi
echo "bench install: building kustomize ..."
(cd "$here/go/kustomize" && go build -o "$bin/kustomize" sigs.k8s.io/kustomize/kustomize/v5)
echo "$key" >"$bin/kustomize.stamp"
echo "bench install: built kustomize $("$bin/kustomize" version)"
