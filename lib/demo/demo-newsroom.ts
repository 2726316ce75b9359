// `npm run demo`: a pretend newsroom that writes a plausible story every few seconds and serves it as
// RSS 2.0 on loopback, so the live homepage can be watched with no internet. Not used in production.
// Like a real wire, some stories come with a picture (served by the newsroom itself) and some without.
import type { ServerResponse } from "node:http";

type DemoStory = { id: number; title: string; summary: string; category: string; publishedAt: Date; hasImage: boolean };

const PLACES = ["Lisbon", "Nairobi", "Osaka", "Montreal", "Valparaíso", "Tallinn", "Accra", "Hobart", "Porto Alegre", "Gdańsk", "Kochi", "Reykjavík"];
const STORIES: { category: string; title: (place: string) => string; summary: (place: string) => string }[] = [
  { category: "world", title: (p) => `${p} opens its first fully electric ferry line`, summary: (p) => `Commuters in ${p} crossed the harbour in near silence on Monday as the city's new battery ferries entered service, cutting the route's emissions by an estimated 90 percent.` },
  { category: "science", title: (p) => `Researchers in ${p} map a deep-sea coral reef unknown until now`, summary: (p) => `A survey team working out of ${p} used an autonomous submarine to chart nearly 40 square kilometres of cold-water coral, some of it thought to be several thousand years old.` },
  { category: "technology", title: (p) => `${p} library lends out laptops alongside books`, summary: (p) => `The public library in ${p} now lends refurbished laptops for up to three weeks, part of a program meant to close the gap for students without a computer at home.` },
  { category: "business", title: (p) => `Small roasters in ${p} band together to buy green coffee`, summary: (p) => `A dozen independent coffee roasters in ${p} formed a purchasing cooperative, saying that buying together lets them pay growers more while keeping prices steady for customers.` },
  { category: "world", title: (p) => `Volunteers in ${p} restore a century-old tram`, summary: (p) => `After four years of weekend work, a group of retired engineers in ${p} has returned a 1920s tramcar to running order; it will carry passengers on heritage days.` },
  { category: "science", title: (p) => `${p} observatory records an unusually bright meteor`, summary: (p) => `Cameras at the observatory near ${p} caught a fireball that outshone the full moon for almost two seconds; astronomers are asking the public for photos to trace where fragments fell.` },
  { category: "technology", title: (p) => `${p} trials traffic lights that favour cyclists in the rain`, summary: (p) => `Sensors at ten junctions in ${p} give cyclists a longer green phase when it rains, a pilot the city will evaluate over the winter before deciding whether to extend it.` },
  { category: "business", title: (p) => `Harbour in ${p} reports record cargo month`, summary: (p) => `The port authority in ${p} handled more containers in October than in any month on record, citing new rail links inland and shipping lines rerouted from congested hubs.` },
];

/**
 * Three stories in five carry a picture, the others are words only, as on real wires: the homepage must look
 * right both ways. Decided by the story's number, so the picture of any story ever published can be served.
 */
export function demoStoryHasImage(id: number): boolean {
  return id > 0 && [1, 2, 4].includes(id % 5);
}

/** Where a story's picture is served, under the newsroom's own address. */
export function demoImagePath(id: number): string {
  return `/demo/images/${id}.svg`;
}

// Pictures: a small SVG landscape per story (sky, sun or moon, hills or waves or a skyline), its colours and
// shapes picked from the story's number. Vector, so one file is sharp at every width and weighs ~1 KB.
const PALETTES = [
  { sky: ["#ffd7a8", "#f59e72"], sun: "#fff4d6", far: "#c2674f", near: "#7c2d2b" },
  { sky: ["#b9e3f5", "#5fa8d3"], sun: "#fffbe6", far: "#3d7ea6", near: "#1b4965" },
  { sky: ["#d8f3dc", "#95d5b2"], sun: "#fefae0", far: "#52b788", near: "#1b4332" },
  { sky: ["#e9d8fd", "#a78bfa"], sun: "#fdf4ff", far: "#7c3aed", near: "#3b0764" },
  { sky: ["#1e293b", "#0f172a"], sun: "#fde68a", far: "#334155", near: "#020617" },
  { sky: ["#fde2e4", "#f4978e"], sun: "#fff1e6", far: "#e5989b", near: "#6d2e46" },
  { sky: ["#fef3c7", "#fbbf24"], sun: "#fffbeb", far: "#d97706", near: "#78350f" },
  { sky: ["#ccfbf1", "#2dd4bf"], sun: "#f0fdfa", far: "#0d9488", near: "#134e4a" },
];

function hills(seed: number, base: number, amplitude: number): string {
  const points: string[] = [];
  for (let x = 0; x <= 640; x += 80) {
    const y = base - amplitude * Math.abs(Math.sin((x + seed * 37) / 97 + seed));
    points.push(`${x},${y.toFixed(0)}`);
  }
  return `M0,360 L${points.join(" L")} L640,360 Z`;
}

function waves(seed: number, base: number): string {
  let d = `M0,${base}`;
  for (let x = 0; x < 640; x += 80) d += ` q20,${-14 - (seed % 3) * 4} 40,0 t40,0`;
  return `${d} L640,360 L0,360 Z`;
}

function skyline(seed: number, base: number): string {
  let d = "M0,360";
  let x = 0;
  let i = 0;
  while (x < 640) {
    const width = 30 + ((seed * 13 + i * 29) % 50);
    const height = 40 + ((seed * 31 + i * 47) % 110);
    d += ` L${x},${base - height} L${x + width},${base - height}`;
    x += width;
    i += 1;
  }
  return `${d} L640,${base} L640,360 Z`;
}

export function renderDemoImage(id: number): string {
  const palette = PALETTES[(id * 5) % PALETTES.length];
  const shape = id % 3;
  const sunX = 110 + ((id * 97) % 420);
  const sunY = 80 + ((id * 53) % 70);
  const far = shape === 2 ? skyline(id, 300) : hills(id, 250, 70);
  const near = shape === 1 ? waves(id, 300) : hills(id + 3, 320, 50);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${palette.sky[0]}"/><stop offset="1" stop-color="${palette.sky[1]}"/></linearGradient></defs>
<rect width="640" height="360" fill="url(#s)"/>
<circle cx="${sunX}" cy="${sunY}" r="${34 + (id % 4) * 8}" fill="${palette.sun}" opacity="0.9"/>
<path d="${far}" fill="${palette.far}"/>
<path d="${near}" fill="${palette.near}"/>
</svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Where the wire's copy of a story is "published": its own link, so it is an article of its own. */
function demoWireStoryPath(id: number): string {
  return `/demo/wire/${id}`;
}

function renderRss(feed: { title: string; description: string; siteUrl: string; stories: DemoStory[]; storyPath: (id: number) => string; guidPrefix: string }): string {
  const { siteUrl } = feed;
  const items = feed.stories
    .map(
      (story) => `<item>
  <title>${escapeXml(story.title)}</title>
  <link>${escapeXml(`${siteUrl}${feed.storyPath(story.id)}`)}</link>
  <guid isPermaLink="false">${feed.guidPrefix}-${story.id}-${story.publishedAt.getTime()}</guid>
  <description>${escapeXml(story.summary)}</description>${
    story.hasImage ? `\n  <enclosure url="${escapeXml(`${siteUrl}${demoImagePath(story.id)}`)}" type="image/svg+xml" length="0"/>` : ""
  }
  <category>${story.category}</category>
  <pubDate>${story.publishedAt.toUTCString()}</pubDate>
</item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>${escapeXml(feed.title)}</title>
<link>${escapeXml(siteUrl)}/demo</link>
<description>${escapeXml(feed.description)}</description>
${items}
</channel></rss>`;
}

export type DemoNewsroom = {
  /** The feed as RSS 2.0, newest first. */
  renderFeed(siteUrl: string): string;
  /**
   * A second outlet, "Demo Wire", at /demo/wire.xml: every other story of the newsroom under links of its own.
   * Added as a source, it makes those stories covered by two outlets, so the demo has story pages and top stories.
   */
  renderWireFeed(siteUrl: string): string;
  /** Writes the next story; returns it. */
  publishNext(now?: Date): DemoStory;
  storyCount(): number;
  /** The picture at `path` (see demoImagePath) as SVG, or null when there is none there. */
  imageAt(path: string): string | null;
};

/** The number in a demo newsroom story's link (`…/demo/stories/<n>`), or null for any other link. */
export function demoStoryNumber(url: string): number | null {
  const match = /\/demo\/stories\/(\d{1,9})$/.exec(url);
  return match ? Number(match[1]) : null;
}

/**
 * `lastNumber`: the highest story number a previous run already published into this database. Numbering
 * continues after it, because stored articles keep their links and picture URLs across restarts: starting again
 * at 1 made every stored picture above the new count answer 404 (console errors on every page that showed one)
 * and made new stories collide with stored links of the same number (deduplicated away, so nothing new appeared).
 */
export function createDemoNewsroom(keep = 40, lastNumber = 0): DemoNewsroom {
  const stories: DemoStory[] = [];
  let counter = lastNumber;

  return {
    publishNext(now = new Date()) {
      counter += 1;
      const template = STORIES[counter % STORIES.length];
      const place = PLACES[(counter * 7) % PLACES.length];
      const story = {
        id: counter,
        title: template.title(place),
        summary: template.summary(place),
        category: template.category,
        publishedAt: now,
        hasImage: demoStoryHasImage(counter),
      };
      stories.unshift(story);
      stories.length = Math.min(stories.length, keep);
      return story;
    },
    storyCount: () => counter,
    imageAt(path) {
      const match = /^\/demo\/images\/(\d{1,9})\.svg$/.exec(path);
      const id = match ? Number(match[1]) : 0;
      return id <= counter && demoStoryHasImage(id) ? renderDemoImage(id) : null;
    },
    renderFeed(siteUrl) {
      return renderRss({ title: "Demo Newsroom", description: "Stories written on this machine for the Newswire demo.", siteUrl, stories, storyPath: (id) => `/demo/stories/${id}`, guidPrefix: "demo-newsroom" });
    },
    renderWireFeed(siteUrl) {
      return renderRss({
        title: "Demo Wire",
        description: "The Newswire demo's second outlet: it carries every other story of the demo newsroom.",
        siteUrl,
        stories: stories.filter((story) => story.id % 2 === 0),
        storyPath: demoWireStoryPath,
        guidPrefix: "demo-wire",
      });
    },
  };
}

/**
 * Answers the newsroom's pictures, the wire's feed and the wire's story pages; false when `path` is none of
 * them (the caller goes on). The pictures never change, so browsers may keep them; their policy forbids anything
 * active should one be opened on its own (an SVG document can run script, an <img> never does).
 */
export function serveDemoExtras(newsroom: DemoNewsroom, path: string, origin: string, res: ServerResponse): boolean {
  if (path === "/demo/wire.xml") {
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", "cache-control": "no-cache" });
    res.end(newsroom.renderWireFeed(origin));
    return true;
  }
  if (/^\/demo\/wire\/\d{1,9}$/.test(path)) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><meta charset="utf-8"><title>Demo Wire</title><p>This story was made up on this machine by the Newswire demo.</p><p><a href="/">Back to Newswire</a></p>`);
    return true;
  }
  const svg = newsroom.imageAt(path);
  if (svg === null) return false;
  res.writeHead(200, {
    "content-type": "image/svg+xml",
    "cache-control": "public, max-age=31536000, immutable",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    "x-content-type-options": "nosniff",
  });
  res.end(svg);
  return true;
}
