// Next.js configuration. Imports nothing that reads the database, and never
// `output: "standalone"`: server.ts is the server.

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Packages that must stay plain Node modules in route handlers rather than be bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "pino", "sanitize-html", "rss-parser"],
  images: { unoptimized: true },
  experimental: {
    // server.ts refuses larger /admin posts with 413 before Next reads them (ADMIN_ACTION_MAX_BYTES in
    // lib/http/api-routes.ts, 2 MiB + 64 KiB for the OPML upload); Next's own default of 1 MB would cut the
    // upload short first, so its limit sits just above ours.
    serverActions: { bodySizeLimit: "3mb" },
  },
};

export default nextConfig;
