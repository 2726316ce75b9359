// Which better-sqlite3 build this process loads. Import this module before anything that loads
// better-sqlite3 (our code or Prisma's SQLite adapter): it points the package name at the right build.
//
// Why two builds: better-sqlite3 up to 12.x wraps its objects in node::ObjectWrap. Compiled against Node 24's
// headers, that wrapper's destructor removes an environment clean-up hook, and V8 may run the destructor in a
// garbage collection while no Node environment is current: the process aborts ("Assertion failed: (env) !=
// nullptr" in node::RemoveEnvironmentCleanupHook), in normal operation, not only at exit. A loop that
// prepares statements dies within seconds on Node 24.21. better-sqlite3 13 is built on Node-API and does not
// have the problem, but needs Node 22 or later: on Node 20 it does not build.
//
// So package.json installs 11.10 as `better-sqlite3` (builds on every supported runtime) and 13 as the
// optional dependency `better-sqlite3-napi` (npm leaves it out on Node 20). Where Node can redirect module
// resolution in-process (module.registerHooks, Node 22.15+ and 23.5+), every import that leads to the classic
// build, ours, the adapter's or a Next bundle's, import or require, resolves to the Node-API build when it is installed. Node 20 and early
// Node 22 keep 11.10, which works there. docs/decisions/0012-node-24.md has the measurements.
import nodeModule from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const NODE_API_BUILD = "better-sqlite3-napi";
/** The classic build's entry file, under its own name or an alias (Next: `better-sqlite3-<hash>`, a symlink). */
const CLASSIC_ENTRY = /\/node_modules\/better-sqlite3(-[0-9a-f]{16})?\/lib\/index\.js$/;
const registeredKey = Symbol.for("newswire.sqlite-driver");

type ResolveContext = { parentURL?: string; conditions?: readonly string[] };
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
type RegisterHooks = (hooks: { resolve: (specifier: string, context: ResolveContext, nextResolve: NextResolve) => ResolveResult }) => unknown;

function redirectToNodeApiBuild(): void {
  const holder = globalThis as { [registeredKey]?: boolean };
  if (holder[registeredKey]) return;
  holder[registeredKey] = true;
  // Not in @types/node 20 (the oldest runtime we support): present from Node 22.15 and 23.5.
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== "function") return;
  registerHooks.call(nodeModule, {
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      // Matched on where the name leads, not on the name: Next's bundles load external packages under
      // aliases of their own (`better-sqlite3-<hash>`, a symlink to the package).
      if (!CLASSIC_ENTRY.test(resolved.url)) return resolved;
      try {
        // Looked up from the classic build's own folder (the two are installed side by side), not from the
        // importer's, which may be a bundle outside node_modules' reach.
        const nodeApiEntry = nodeModule.createRequire(fileURLToPath(resolved.url)).resolve(NODE_API_BUILD);
        return { url: pathToFileURL(nodeApiEntry).href, format: "commonjs", shortCircuit: true };
      } catch {
        // Not installed (an install that skipped optional dependencies): the classic build it is.
        return resolved;
      }
    },
  });
}

redirectToNodeApiBuild();
