"use strict";
// Preloaded (node --require) into every Node process the bench measures: at exit, its peak resident set size in KiB
// goes to the file named by FLOE_BENCH_RSS (the bench reads it; a child's rusage is not visible to Node).
const { writeFileSync } = require("fs");
const file = process.env.FLOE_BENCH_RSS;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
