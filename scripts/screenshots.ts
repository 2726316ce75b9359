// Takes the README's screenshots: each page in light and dark mode at phone and desktop widths.
// Usage: start a server (e.g. `npm run demo`), then `tsx scripts/screenshots.ts [baseUrl]`.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = path.join(process.cwd(), "docs", "screenshots");
const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 375, height: 800 } };

async function main(): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  const latest = (await (await fetch(`${base}/api/articles?limit=1`)).json()) as { articles: { path: string; category: string; source: { slug: string } }[] };
  const first = latest.articles[0];
  const pages: Record<string, string> = { home: "/", sources: "/sources", search: "/search?q=city", admin: "/admin" };
  if (first) Object.assign(pages, { article: first.path, category: `/categories/${first.category}`, source: `/sources/${first.source.slug}` });

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    for (const scheme of ["light", "dark"] as const) {
      for (const [device, viewport] of Object.entries(viewports)) {
        const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        for (const [name, url] of Object.entries(pages)) {
          await page.goto(`${base}${url}`, { waitUntil: "networkidle" });
          await page.screenshot({ path: path.join(out, `${name}-${device}-${scheme}.png`) });
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(`screenshots written to ${out}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
