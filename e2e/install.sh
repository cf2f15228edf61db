#!/usr/bin/env bash
# Installs the real components of the e2e tier (npm run test:e2e) from the registries, at the versions pinned in
# this folder, into a cache folder that is reused while the pins are unchanged:
#   go/etcd               etcd server            go.etcd.io/etcd/server/v3 (go.mod)
#   go/kube               kube-apiserver and kube-controller-manager, k8s.io/kubernetes (go.mod)
#   go/prometheus         promtool (rule unit tests), github.com/prometheus/prometheus (go.mod)
#   go/pulumi             the Pulumi CLI         github.com/pulumi/pulumi/pkg/v3, the release of @pulumi/pulumi
#   go/pulumi-kubernetes  the Kubernetes provider (pulumi-resource-kubernetes), the release of @pulumi/kubernetes
#   java                  the Apache Kafka broker, clients, Connect, connector plugins and Floe's adapters
#                         (install-java.sh, Maven Central)
#   python                moto's S3 server (e2e/python/requirements.txt, PyPI)
#   crds/karpenter        Karpenter's NodePool and EC2NodeClass CRDs (the Go module proxy's zip of the AWS provider)
#   postgresql, mariadb-server  Debian's database servers (the CDC tests' databases), when not installed yet
#   nginx-light           Debian's nginx (the registry's enforcing proxy as rendered), when not installed yet
#   chromium              Debian's Chromium (the report's browser tests), when not installed yet
# Cache: $FLOE_E2E_CACHE, default <repo>/.floe/e2e (gitignored). A component is rebuilt when its folder's files
# or the Go version change (the key is a hash of both). Prints one line per component; exits non-zero on the
# first failure, with the build's log.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="${FLOE_E2E_CACHE:-$root/.floe/e2e}"
mkdir -p "$cache/bin" "$cache/stamps" "$cache/logs"
# Data and logs of the previous run's components (etcd data, certificates, logs) are not kept across runs.
rm -rf "$cache/run"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

if ! command -v go >/dev/null 2>&1; then
  echo "e2e install: no 'go' on PATH; the e2e tier builds its components with Go (see README, 'Tests')" >&2
  exit 1
fi

# key NAME: a hash of the component's committed files and the Go version.
key() {
  (cd "$here/go/$1" && go version && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) | LC_ALL=C sort | xargs sha256sum) |
    sha256sum | cut -c1-16
}

# build NAME BINARIES... -- COMMAND: runs COMMAND in go/NAME unless the stamp says these binaries are current.
build() {
  local name="$1"; shift
  local bins=()
  while [ "$1" != "--" ]; do bins+=("$1"); shift; done
  shift
  local k; k="$(key "$name")"
  local fresh=1
  for b in "${bins[@]}"; do [ -x "$cache/bin/$b" ] || fresh=0; done
  if [ "$fresh" = 1 ] && [ "$(cat "$cache/stamps/$name" 2>/dev/null)" = "$k" ]; then
    echo "e2e install: $name current (${bins[*]})"
    return
  fi
  local log="$cache/logs/build-$name.log" start=$SECONDS
  echo "e2e install: building $name (${bins[*]}) ..."
  if ! (cd "$here/go/$name" && "$@") >"$log" 2>&1; then
    echo "e2e install: building $name failed; its log ($log):" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  echo "$k" >"$cache/stamps/$name"
  echo "e2e install: built $name in $((SECONDS - start)) s"
}

build etcd etcd -- go build -o "$cache/bin/etcd" .
# Prometheus's rule unit tester, from the published module (the alert rules are evaluated by the real engine).
build prometheus promtool -- go build -o "$cache/bin/promtool" github.com/prometheus/prometheus/cmd/promtool
build kube kube-apiserver kube-controller-manager -- go build -o "$cache/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager

npm_version() { node -p 'require(process.argv[1]).version' "$root/node_modules/$1/package.json"; }
pulumi_version="$(npm_version @pulumi/pulumi)"
if ! grep -qE "github.com/pulumi/pulumi/pkg/v3 v$pulumi_version( |\$)" "$here/go/pulumi/go.mod"; then
  echo "e2e install: @pulumi/pulumi is $pulumi_version but e2e/go/pulumi/go.mod pins another pkg/v3; pin the same release" >&2
  exit 1
fi
build pulumi pulumi -- go build \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
  -o "$cache/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# The provider's release must be the one @pulumi/kubernetes asks for (the engine matches plugin versions). The
# Go module proxy serves provider/v4 only as the pseudo-version of the commit tagged v4.25.0 (the module has no
# tags of its own), so that is the release both sides pin.
k8s_version=4.25.0
if [ "$(npm_version @pulumi/kubernetes)" != "$k8s_version" ]; then
  echo "e2e install: @pulumi/kubernetes is $(npm_version @pulumi/kubernetes) but the buildable provider is $k8s_version; pin @pulumi/kubernetes to $k8s_version" >&2
  exit 1
fi
provider_module=github.com/pulumi/pulumi-kubernetes/provider/v4
build pulumi-kubernetes pulumi-resource-kubernetes -- bash -c '
  set -euo pipefail
  # go list -m reports the folder only of a module already in the module cache: download it first.
  go mod download '"$provider_module"'
  dir="$(go list -m -f "{{.Dir}}" '"$provider_module"')/cmd/pulumi-resource-kubernetes"
  go run ./gen "$dir" "'"$k8s_version"'" .
  go build -ldflags "-X '"$provider_module"'/pkg/version.Version='"$k8s_version"'" \
    -o "'"$cache"'/bin/pulumi-resource-kubernetes" .'

bash "$here/install-java.sh" "$cache"

# The Python components (e2e/python/requirements.txt, pinned): moto's server, the S3 endpoint of the Iceberg sink's
# warehouse. A virtual environment in the cache, rebuilt when the pins or the Python version change.
py_key="$( (python3 --version; sha256sum "$here/python/requirements.txt") | sha256sum | cut -c1-16)"
if [ -x "$cache/python/bin/moto_server" ] && [ "$(cat "$cache/stamps/python" 2>/dev/null)" = "$py_key" ]; then
  echo "e2e install: python current (moto)"
else
  echo "e2e install: installing python (moto) ..."
  rm -rf "$cache/python"
  if ! python3 -m venv "$cache/python" >"$cache/logs/install-python.log" 2>&1; then
    # Debian's python3 makes virtual environments with python3-venv only.
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && python3 -m venv "$cache/python"; } >>"$cache/logs/install-python.log" 2>&1 || {
      echo "e2e install: python3 -m venv failed; its log ($cache/logs/install-python.log):" >&2
      tail -n 20 "$cache/logs/install-python.log" >&2
      exit 1
    }
  fi
  if ! "$cache/python/bin/pip" install -q --disable-pip-version-check -r "$here/python/requirements.txt" >>"$cache/logs/install-python.log" 2>&1; then
    echo "e2e install: pip install -r e2e/python/requirements.txt failed; its log ($cache/logs/install-python.log):" >&2
    tail -n 30 "$cache/logs/install-python.log" >&2
    exit 1
  fi
  echo "$py_key" >"$cache/stamps/python"
  echo "e2e install: installed python (moto)"
fi

# Karpenter's CRDs (NodePool, EC2NodeClass) for the API server, from the Go module proxy: the module zip of the
# AWS provider at the release Floe renders for (lib/core/versions.ts KARPENTER_VERSION), checked against its hash.
karpenter_version=v1.15.2
karpenter_zip_sha256=052bf797ae5b731de7f7395b9e957eb182c34b30c9b8b77e068d51599a3f0b81
karpenter_dir="$cache/crds/karpenter"
if [ "$(cat "$cache/stamps/karpenter" 2>/dev/null)" = "$karpenter_version" ] && [ -f "$karpenter_dir/karpenter.sh_nodepools.yaml" ]; then
  echo "e2e install: karpenter CRDs current ($karpenter_version)"
else
  proxy="$(go env GOPROXY | tr ',|' '\n\n' | grep -v '^direct$' | grep -v '^off$' | head -n 1)"
  proxy="${proxy:-https://proxy.golang.org}"
  tmp="$(mktemp -d)"
  if ! curl -fsSL -o "$tmp/karpenter.zip" "$proxy/github.com/aws/karpenter-provider-aws/@v/$karpenter_version.zip"; then
    echo "e2e install: downloading github.com/aws/karpenter-provider-aws@$karpenter_version from $proxy failed" >&2
    exit 1
  fi
  if [ "$(sha256sum "$tmp/karpenter.zip" | cut -d' ' -f1)" != "$karpenter_zip_sha256" ]; then
    echo "e2e install: github.com/aws/karpenter-provider-aws@$karpenter_version.zip does not match its pinned sha256" >&2
    exit 1
  fi
  rm -rf "$karpenter_dir" && mkdir -p "$karpenter_dir"
  python3 - "$tmp/karpenter.zip" "github.com/aws/karpenter-provider-aws@$karpenter_version/pkg/apis/crds" "$karpenter_dir" <<'PY'
import sys, zipfile
archive, prefix, out = sys.argv[1:]
with zipfile.ZipFile(archive) as z:
    for crd in ("karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml"):
        with open(f"{out}/{crd}", "wb") as f:
            f.write(z.read(f"{prefix}/{crd}"))
PY
  rm -rf "$tmp"
  echo "$karpenter_version" >"$cache/stamps/karpenter"
  echo "e2e install: karpenter CRDs $karpenter_version"
fi

# Debian's database servers for the CDC tests (e2e/postgres.ts and e2e/mariadb.ts run them on loopback as the
# packages' users): installed when missing.
debian_package() {
  local package="$1" probe="$2"
  if ls $probe >/dev/null 2>&1; then
    echo "e2e install: $package current"
    return
  fi
  echo "e2e install: installing Debian's $package ..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"; } >"$cache/logs/install-$package.log" 2>&1; then
    echo "e2e install: installing $package failed (needs root and Debian's packages); its log:" >&2
    tail -n 40 "$cache/logs/install-$package.log" >&2
    exit 1
  fi
}
debian_package postgresql '/usr/lib/postgresql/*/bin/initdb'
debian_package mariadb-server /usr/sbin/mariadbd
# nginx runs the Schema Registry's enforcing proxy as rendered (test/e2e/registry-proxy.test.ts), on loopback ports.
debian_package nginx-light /usr/sbin/nginx
# Chromium for the report's browser tests (test/e2e/report.test.ts drives it with playwright-core; no browser download).
debian_package chromium /usr/bin/chromium
