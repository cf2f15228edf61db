"use strict";
/**
 * Load the Floe Pulumi program the way the Pulumi Node.js runtime does (@pulumi/pulumi cmd/run/run.js): with
 * Pulumi.yaml's `typescript` and `tsconfig` runtime options, the TypeScript and ts-node that
 * @pulumi/pulumi/tsutils resolves from the install (or its vendored TypeScript 3.8 fallback), transpile-only when
 * that tsconfig says `noCheck`; then run it under mocks with a stack config, and print one JSON line. Run from the
 * root of an install (cwd), e.g. one made with `npm ci --omit=dev` (test/e2e/production-install.test.ts).
 *
 * Usage: node load-program.js <config.json>  (config: { "floe:spec": ..., ... }, secret keys under "__secrets")
 */
const { readFileSync } = require("fs");
const { join } = require("path");

const root = process.cwd();
const project = require("yaml").parse(readFileSync(join(root, "Pulumi.yaml"), "utf8"));
const options = (project.runtime && project.runtime.options) || {};
const sdk = join(root, "node_modules", "@pulumi", "pulumi");
// What cmd/run requires resolves from the SDK's own folder in the install, never from this script's.
const fromSdk = (name) => require(require.resolve(name, { paths: [sdk] }));
const tsutils = require(join(sdk, "tsutils"));
const tsconfig = options.tsconfig || "tsconfig.json";
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(join(root, tsconfig));
const result = { typescript: fromSdk(typescriptRequire).version, tsnode: tsnodeRequire, transpileOnly: compilerOptions.noCheck === true };
if (options.typescript) {
  fromSdk(tsnodeRequire).register({ compiler: typescriptRequire, transpileOnly: compilerOptions.noCheck, project: join(root, tsconfig), skipProject: false, compilerOptions: {} });
}
const pulumi = require(sdk);
const resources = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      resources.push(args.type);
      return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` } };
    },
    call: (args) => args.inputs,
  },
  project.name,
  "dev",
  false,
);
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const secrets = config.__secrets || [];
delete config.__secrets;
pulumi.runtime.setAllConfig(config, secrets);
try {
  require(join(root, project.main));
} catch (e) {
  result.error = `${e && e.constructor && e.constructor.name}: ${e && e.message}`;
}
setTimeout(() => {
  result.resources = resources.length;
  result.types = [...new Set(resources)].sort();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}, 2000);
