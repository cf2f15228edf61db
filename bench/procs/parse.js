"use strict";
// The floor of floe diff and floe validate: a whole process that parses every YAML file under the given directories
// with js-yaml (the faster parser of the two Floe has; the bench's prep compares them) and keeps nothing.
//   node parse.js DIR...
const { readdirSync, readFileSync } = require("fs");
const { join } = require("path");
const { CORE_SCHEMA, loadAll } = require("js-yaml");

let documents = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path);
    else if (/\.ya?ml$/.test(e.name)) documents += loadAll(readFileSync(path, "utf8"), undefined, { schema: CORE_SCHEMA }).length;
  }
};
for (const dir of process.argv.slice(2)) walk(dir);
process.stdout.write(`${documents}\n`);
