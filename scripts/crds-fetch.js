#!/usr/bin/env node
"use strict";
/**
 * Download the pinned upstream CRDs into .floe/crds (or the directory given as the first argument) for users
 * outside CI: Strimzi 1.2.0 (kafka.strimzi.io/v1), the Flink Kubernetes Operator 1.15.0 helm chart CRDs, and the
 * ecosystem's: External Secrets v1.0.0 and prometheus-operator v0.93.0 (the objects Floe renders for them), and
 * Karpenter v1.15.2's NodePool and EC2NodeClass (for regions with nodes.karpenter; not in ../shared: the e2e tier
 * takes them from the Go module proxy).
 * CI and tests never run this; they read ../shared/crds and ../shared/crds-ecosystem (FLOE_CRD_DIR).
 *
 *   npm run crds:fetch            -> .floe/crds/{strimzi,flink}/...
 *   FLOE_CRD_DIR=.floe/crds npx floe validate dist/prod
 *
 * Behind a firewall, FLOE_CRD_MIRROR=<base URL> fetches each file from <base URL>/<host>/<path> instead of
 * https://<host>/<path> (a generic HTTP proxy of github.com and raw.githubusercontent.com, e.g. an Artifactory or
 * Nexus "raw" remote repository, serves that layout; Node's fetch does not read HTTPS_PROXY by default). The
 * downloads are checked (kinds and served versions) either way.
 */
const { createHash } = require("crypto");
const { mkdirSync, renameSync, rmSync, writeFileSync } = require("fs");
const { join, resolve } = require("path");
const { parseAllDocuments } = require("yaml");

const STRIMZI_VERSION = "1.2.0";
const FLINK_OPERATOR_REF = "release-1.15.0";
// The ecosystem operators whose objects Floe renders (../shared/crds-ecosystem pins the same refs).
const EXTERNAL_SECRETS_REF = "v1.0.0";
const PROMETHEUS_OPERATOR_REF = "v0.93.0";
// Karpenter's NodePool (regions[].nodes.karpenter), with the AWS provider's CRDs (lib/core/versions.ts KARPENTER_VERSION).
const KARPENTER_REF = "v1.15.2";

const SOURCES = [
  {
    dir: "strimzi",
    file: `strimzi-crds-${STRIMZI_VERSION}.yaml`,
    url: `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${STRIMZI_VERSION}/strimzi-crds-${STRIMZI_VERSION}.yaml`,
    expect: ["Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaConnect", "KafkaConnector", "KafkaMirrorMaker2"],
    version: "v1",
  },
  ...["flinkdeployments", "flinksessionjobs", "flinkstatesnapshots", "flinkbluegreendeployments"].map((name) => ({
    dir: "flink",
    file: `${name}.flink.apache.org-v1.yml`,
    url: `https://raw.githubusercontent.com/apache/flink-kubernetes-operator/${FLINK_OPERATOR_REF}/helm/flink-kubernetes-operator/crds/${name}.flink.apache.org-v1.yml`,
    expect: null,
    version: "v1beta1",
  })),
  ...[
    ["externalsecrets", "ExternalSecret", "v1"],
    ["secretstores", "SecretStore", "v1"],
    ["clustersecretstores", "ClusterSecretStore", "v1"],
    ["pushsecrets", "PushSecret", "v1alpha1"],
  ].map(([name, kind, version]) => ({
    dir: "external-secrets",
    file: `external-secrets.io_${name}.yaml`,
    url: `https://raw.githubusercontent.com/external-secrets/external-secrets/${EXTERNAL_SECRETS_REF}/config/crds/bases/external-secrets.io_${name}.yaml`,
    expect: [kind],
    version,
  })),
  ...[
    ["podmonitors", "PodMonitor"],
    ["prometheusrules", "PrometheusRule"],
    ["servicemonitors", "ServiceMonitor"],
  ].map(([name, kind]) => ({
    dir: "prometheus-operator",
    file: `monitoring.coreos.com_${name}.yaml`,
    url: `https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/${PROMETHEUS_OPERATOR_REF}/example/prometheus-operator-crd/monitoring.coreos.com_${name}.yaml`,
    expect: [kind],
    version: "v1",
  })),
  ...[
    ["karpenter.sh_nodepools", "NodePool"],
    ["karpenter.k8s.aws_ec2nodeclasses", "EC2NodeClass"],
  ].map(([name, kind]) => ({
    dir: "karpenter",
    file: `${name}.yaml`,
    url: `https://raw.githubusercontent.com/aws/karpenter-provider-aws/${KARPENTER_REF}/pkg/apis/crds/${name}.yaml`,
    expect: [kind],
    version: "v1",
  })),
];

/** The CRD kinds (with their served versions) in a YAML text. */
function crdKinds(text) {
  const kinds = {};
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS();
    if (!crd || crd.kind !== "CustomResourceDefinition") continue;
    kinds[crd.spec.names.kind] = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
  }
  return kinds;
}

/** Throw unless the text holds the expected kinds, served at `version`. */
function checkBundle(text, source) {
  const kinds = crdKinds(text);
  const names = Object.keys(kinds);
  if (names.length === 0) throw new Error(`${source.url}: no CustomResourceDefinition in the download`);
  for (const kind of source.expect || names) {
    if (!kinds[kind] || !kinds[kind].includes(source.version)) {
      throw new Error(`${source.url}: expected CRD ${kind} serving ${source.version}, found ${JSON.stringify(kinds)}`);
    }
  }
  return names;
}

/** Where a source is fetched from: its upstream URL, or under the mirror's base URL (FLOE_CRD_MIRROR). */
function sourceUrl(source, mirror) {
  if (!mirror) return source.url;
  const upstream = new URL(source.url);
  return `${mirror.replace(/\/+$/, "")}/${upstream.host}${upstream.pathname}`;
}

async function main() {
  const target = resolve(process.argv[2] || join(".floe", "crds"));
  const staging = `${target}.download-${process.pid}`;
  const mirror = process.env.FLOE_CRD_MIRROR;
  const hint = `check the network, set FLOE_CRD_MIRROR to a mirror's base URL (fetches <base>/<host>/<path>), or copy the CRDs into ${target} by hand (strimzi/, flink/, external-secrets/, prometheus-operator/, karpenter/)`;
  rmSync(staging, { recursive: true, force: true });
  process.stdout.write(`crds:fetch: ${SOURCES.length} CRD files (Strimzi ${STRIMZI_VERSION}, Flink operator ${FLINK_OPERATOR_REF}, External Secrets ${EXTERNAL_SECRETS_REF}, prometheus-operator ${PROMETHEUS_OPERATOR_REF}, Karpenter ${KARPENTER_REF}) into ${target}${mirror ? ` from ${mirror}` : ""}\n`);
  try {
    for (const source of SOURCES) {
      const url = sourceUrl(source, mirror);
      let response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw new Error(`${url}: ${e.message}${e.cause ? ` (${e.cause.code || e.cause.message})` : ""}; ${hint}`);
      }
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}; ${hint}`);
      const text = await response.text();
      const kinds = checkBundle(text, source);
      mkdirSync(join(staging, source.dir), { recursive: true });
      writeFileSync(join(staging, source.dir, source.file), text);
      const sha = createHash("sha256").update(text).digest("hex");
      process.stdout.write(`${source.dir}/${source.file}  sha256:${sha}  (${kinds.join(", ")})\n`);
    }
    rmSync(target, { recursive: true, force: true });
    mkdirSync(resolve(target, ".."), { recursive: true });
    renameSync(staging, target);
    process.stdout.write(`CRDs written to ${target}; use FLOE_CRD_DIR=${target} or floe validate --crds ${target}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

module.exports = { SOURCES, checkBundle, crdKinds, sourceUrl };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`crds:fetch failed: ${e.message}\n`);
    process.exitCode = 1;
  });
}
