// Lint: TypeScript's recommended rules plus the one-way dependency rule between layers (README, Architecture), enforced here
// rather than remembered. Each block forbids what its layer must not import.
import tseslint from "typescript-eslint";

const layer = (name) => [`**/${name}`, `**/${name}/*`, `@/lib/${name}`, `@/lib/${name}/*`];
const restrict = (groups, message) => ({ "no-restricted-imports": ["error", { patterns: [{ group: groups, message }] }] });

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", "lib/db/generated/**", "next-env.d.ts", "bench/results/**", "test-results/**", "playwright-report/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // One way to write SQL (docs/decisions/0016): Prisma.sql tagged templates, whose values are always bound.
      "no-restricted-properties": [
        "error",
        ...["$queryRawUnsafe", "$executeRawUnsafe"].map((property) => ({
          property,
          message: "Write raw SQL as a Prisma.sql tagged template ($queryRaw`…` / $executeRaw`…`, Prisma.join for lists): docs/decisions/0016.",
        })),
      ],
    },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["lib/domain/**/*.ts"],
    rules: restrict([...layer("db"), ...layer("ingest"), ...layer("realtime"), ...layer("queries"), ...layer("commands"), ...layer("http"), ...layer("cluster"), "@prisma/*", "next", "next/*", "react"], "lib/domain is pure: it imports nothing else in lib."),
  },
  {
    files: ["lib/db/**/*.ts"],
    rules: restrict([...layer("ingest"), ...layer("realtime"), ...layer("queries"), ...layer("commands"), ...layer("http"), ...layer("cluster")], "lib/db depends only on lib/domain."),
  },
  {
    files: ["lib/ingest/**/*.ts"],
    rules: restrict([...layer("realtime"), ...layer("queries"), ...layer("commands"), ...layer("http"), ...layer("cluster"), "@prisma/*", "**/generated/*"], "lib/ingest never imports realtime or cluster: server.ts wires new articles to the live feed and hands in shared host slots."),
  },
  {
    // What runs in the parse pool's worker threads (docs/decisions/0013): a thread must not open a database
    // connection or a socket, so these files import neither lib/db nor the fetch stage.
    files: ["lib/ingest/parse/**/*.ts", "lib/ingest/parse-pool/worker.ts", "lib/ingest/parse-pool/processor.ts", "lib/ingest/normalize.ts", "lib/ingest/sanitize.ts"],
    ignores: ["lib/**/*.test.ts"],
    rules: restrict([...layer("db"), "**/fetch", "**/fetch/*", ...layer("realtime"), ...layer("queries"), ...layer("commands"), ...layer("http"), ...layer("cluster"), "@prisma/*", "**/generated/*"], "Parsing and cleaning run in worker threads: they import no database, network, realtime or cluster code."),
  },
  {
    files: ["lib/queries/**/*.ts"],
    rules: restrict([...layer("ingest"), ...layer("realtime"), ...layer("commands"), ...layer("http"), ...layer("cluster"), "@prisma/*", "**/generated/*"], "lib/queries reads through lib/db only."),
  },
  {
    files: ["lib/realtime/**/*.ts"],
    rules: restrict([...layer("db"), ...layer("ingest"), ...layer("commands"), ...layer("cluster"), "@prisma/*", "**/generated/*"], "lib/realtime reads articles through what server.ts hands it (lib/queries), never from lib/db."),
  },
  {
    files: ["lib/cluster/**/*.ts"],
    ignores: ["lib/cluster/**/*.test.ts"],
    rules: restrict([...layer("db"), ...layer("ingest"), ...layer("realtime"), ...layer("queries"), ...layer("commands"), ...layer("http"), "@prisma/*", "**/generated/*"], "lib/cluster is coordination through Redis; server.ts hands it to the layers that need it."),
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/api/**", "app/admin/**"],
    rules: restrict([...layer("db"), ...layer("ingest"), "@/lib/realtime/socket", "@/lib/realtime/sse", "@/lib/realtime/article-feed", ...layer("commands"), ...layer("cluster"), "@prisma/*", "**/generated/*"], "Pages read through lib/queries and lib/domain."),
  },
  {
    files: ["app/api/**/*.ts", "app/admin/**/*.{ts,tsx}"],
    rules: restrict([...layer("db"), ...layer("ingest"), ...layer("realtime"), "@prisma/*", "**/generated/*"], "Route handlers and admin actions read through lib/queries and write through lib/commands; the scheduler is reached via lib/runtime."),
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: restrict([...layer("db"), ...layer("ingest"), "@/lib/realtime/socket", "@/lib/realtime/sse", "@/lib/realtime/article-feed", ...layer("commands"), ...layer("http"), ...layer("cluster"), "@/lib/runtime", "@/lib/env", "@prisma/*", "**/generated/*"], "Components use lib/domain, lib/queries (server components) and lib/realtime/events only."),
  },
);
