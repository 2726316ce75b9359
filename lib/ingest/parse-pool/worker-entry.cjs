// The file the pool's threads load. The worker code is TypeScript; a worker thread does not inherit the
// loader hooks of `node --import tsx` (nor of a test runner), so it registers tsx's require hook itself.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point: require() is what it is for */
require("tsx/cjs");
module.exports = require("./worker.ts");
