"use strict";
// The floor of floe synth: a whole process that reads the objects (JSON: [{ path, objects }]) and writes them as
// multi-document YAML files with one serializer, in Floe's style (no folding, no anchors).
//   node floor.js OBJECTS.json OUT_DIR yaml|js-yaml
const { mkdirSync, readFileSync, writeFileSync } = require("fs");
const { dirname, join } = require("path");

const [objectsFile, outDir, serializer] = process.argv.slice(2);
const serialize =
  serializer === "yaml"
    ? ((y) => (o) => y.stringify(o, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false }))(require("yaml"))
    : ((j) => (o) => j.dump(o, { lineWidth: -1, noRefs: true, quotingType: '"' }))(require("js-yaml"));
for (const file of JSON.parse(readFileSync(objectsFile, "utf8"))) {
  const path = join(outDir, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.objects.map(serialize).join("---\n"));
}
