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
// resolution in-process (module.registerHooks, Node 22.15+ and 23.5+), every `better-sqlite3` import, ours and
// the adapter's, import or require, resolves to the Node-API build when it is installed. Node 20 and early
// Node 22 keep 11.10, which works there. docs/decisions/0012-node-24.md has the measurements.
import nodeModule from "node:module";

const NODE_API_BUILD = "better-sqlite3-napi";
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
      if (specifier !== "better-sqlite3") return nextResolve(specifier, context);
      try {
        return nextResolve(NODE_API_BUILD, context);
      } catch {
        // Not installed (an install that skipped optional dependencies): the classic build it is.
        return nextResolve(specifier, context);
      }
    },
  });
}

redirectToNodeApiBuild();
