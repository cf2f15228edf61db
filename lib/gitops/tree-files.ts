// Names of the files a rendered tree carries beside its region directories. A module of its own so that readers of
// trees (floe diff) do not load the renderer, and with it cdk8s and every construct (about 0.6 s of start-up).

/** File name synth writes the spec's acknowledgements to (next to the region directories). */
export const ACKNOWLEDGEMENTS_FILE = "floe-acknowledgements.json";
