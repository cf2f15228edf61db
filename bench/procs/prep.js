"use strict";
// Prepares one size of npm run bench in WORK (untimed): the spec, the objects Floe renders for it (the floor's and
// the cdk8s peer's input), the base tree and two heads for floe diff (1% of the tenants changed; every file changed),
// and the kustomize peer's overlay tree (per region: a base per kind for the shared objects, an overlay per tenant).
//   node prep.js N WORK
const { mkdirSync, writeFileSync } = require("fs");
const { dirname, join } = require("path");
const { generateSpec } = require("../spec");
const floe = require("../../dist-lib/lib");

const [n, work] = [Number(process.argv[2]), process.argv[3]];
mkdirSync(work, { recursive: true });
const render = (spec) => floe.synthesize(floe.parsePlatformSpec(spec));

const spec = generateSpec(n);
// As a platform team writes it: block YAML.
writeFileSync(join(work, "spec.yaml"), require("js-yaml").dump(spec, { lineWidth: -1, noRefs: true }));
const tree = render(spec);
writeFileSync(join(work, "objects.json"), JSON.stringify(tree.files.map((f) => ({ path: f.path, objects: f.objects }))));
floe.writeTree(tree, join(work, "base"));

const some = generateSpec(n);
for (let i = 0; i < Math.max(1, Math.round(n / 100)); i++) some.tenants[i].topics[0].partitions += 6;
floe.writeTree(render(some), join(work, "head-1pct"));

// Every file changes: every tenant's topics get more partitions, every region's brokers another replica.
const all = generateSpec(n);
for (const t of all.tenants) for (const topic of t.topics) topic.partitions += 1;
for (const r of all.regions) r.kafka.brokers.replicas += 1;
const allTree = render(all);
floe.writeTree(allTree, join(work, "head-all"));
const changedFiles = allTree.files.filter((f, i) => f.content !== tree.files[i]?.content).length;

// kustomize: no transformation (the output is the same objects); per region a kustomization of bases and overlays.
const regions = new Map();
for (const f of tree.files) {
  const [region, name] = f.path.split("/");
  if (!regions.has(region)) regions.set(region, { bases: new Map(), overlays: [] });
  const r = regions.get(region);
  if (name.startsWith("tenant-")) r.overlays.push({ name: name.replace(/\.yaml$/, ""), objects: f.objects });
  else for (const o of f.objects) r.bases.set(o.kind, [...(r.bases.get(o.kind) ?? []), o]);
}
const write = (path, text) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
const yaml = (objects) => objects.map((o) => JSON.stringify(o)).join("\n---\n");
for (const [region, { bases, overlays }] of regions) {
  const dir = join(work, "kustomize", region);
  const entries = [];
  for (const [kind, objects] of bases) {
    write(join(dir, "bases", kind.toLowerCase(), "objects.yaml"), yaml(objects));
    write(join(dir, "bases", kind.toLowerCase(), "kustomization.yaml"), "resources:\n- objects.yaml\n");
    entries.push(`bases/${kind.toLowerCase()}`);
  }
  for (const o of overlays) {
    write(join(dir, "overlays", o.name, "objects.yaml"), yaml(o.objects));
    write(join(dir, "overlays", o.name, "kustomization.yaml"), "resources:\n- objects.yaml\n");
    entries.push(`overlays/${o.name}`);
  }
  write(join(dir, "kustomization.yaml"), `resources:\n${entries.map((e) => `- ${e}`).join("\n")}\n`);
}
process.stdout.write(JSON.stringify({ objects: tree.files.reduce((k, f) => k + f.objects.length, 0), files: tree.files.length, changedFiles, regions: [...regions.keys()] }));
