// Next.js configuration. Imports nothing that reads the database (ARCHITECTURE.md), and never
// `output: "standalone"`: server.ts is the server.

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Packages that must stay plain Node modules in route handlers rather than be bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "pino", "sanitize-html", "rss-parser"],
  images: { unoptimized: true },
};

export default nextConfig;
