/**
 * The Pulumi packages are optional peer dependencies of floe-platform (package.json peerDependenciesMeta): a consumer
 * of the cdk8s constructs alone does not install them. The entry points that need them (floe-platform/cloud,
 * floe-platform/pulumi) call this first, so a missing one is named with the command that installs it rather than
 * surfacing as a bare "Cannot find module" from deep inside the library.
 */
export function requirePeers(entryPoint: string, packages: readonly string[]): void {
  const missing = packages.filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `${entryPoint} needs ${missing.join(", ")}, optional peer dependencies of floe-platform that this project does not have. ` +
        `Install them (npm install ${missing.join(" ")}; the versions floe-platform supports are its package.json peerDependencies), ` +
        `or import only "floe-platform" for the cdk8s constructs.`,
    );
  }
}
