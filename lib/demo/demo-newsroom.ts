// `npm run demo`: a pretend newsroom that writes a plausible story every few seconds and serves it as
// RSS 2.0 on loopback, so the live homepage can be watched with no internet. Not used in production.

type DemoStory = { id: number; title: string; summary: string; category: string; publishedAt: Date };

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

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export type DemoNewsroom = {
  /** The feed as RSS 2.0, newest first. */
  renderFeed(siteUrl: string): string;
  /** Writes the next story; returns it. */
  publishNext(now?: Date): DemoStory;
  storyCount(): number;
};

export function createDemoNewsroom(keep = 40): DemoNewsroom {
  const stories: DemoStory[] = [];
  let counter = 0;

  return {
    publishNext(now = new Date()) {
      counter += 1;
      const template = STORIES[counter % STORIES.length];
      const place = PLACES[(counter * 7) % PLACES.length];
      const story = { id: counter, title: template.title(place), summary: template.summary(place), category: template.category, publishedAt: now };
      stories.unshift(story);
      stories.length = Math.min(stories.length, keep);
      return story;
    },
    storyCount: () => counter,
    renderFeed(siteUrl) {
      const items = stories
        .map(
          (story) => `<item>
  <title>${escapeXml(story.title)}</title>
  <link>${escapeXml(`${siteUrl}/demo/stories/${story.id}`)}</link>
  <guid isPermaLink="false">demo-newsroom-${story.id}-${story.publishedAt.getTime()}</guid>
  <description>${escapeXml(story.summary)}</description>
  <category>${story.category}</category>
  <pubDate>${story.publishedAt.toUTCString()}</pubDate>
</item>`,
        )
        .join("\n");
      return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Demo Newsroom</title>
<link>${escapeXml(siteUrl)}/demo</link>
<description>Stories written on this machine for the Newswire demo.</description>
${items}
</channel></rss>`;
    },
  };
}
