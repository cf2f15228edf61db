"use strict";
// Peer: plain cdk8s creating the same objects (one Chart per file, one ApiObject per object) and writing them with
// app.synth(), a whole process.   node cdk8s.js OBJECTS.json OUT_DIR
const { readFileSync } = require("fs");
const { ApiObject, App, Chart } = require("cdk8s");

const [objectsFile, outdir] = process.argv.slice(2);
const app = new App({ outdir, outputFileExtension: ".yaml" });
JSON.parse(readFileSync(objectsFile, "utf8")).forEach((file, i) => {
  const chart = new Chart(app, `c${i}-${file.path.replace(/[^a-z0-9]+/g, "-")}`);
  file.objects.forEach((o, j) => new ApiObject(chart, `o${j}`, o));
});
app.synth();
