// The homepage's top stories as the server renders them: only the articles the section shows cross to the
// browser, so the page's payload does not carry every story's full coverage.
import type { Story } from "@/lib/domain/story";
import { getTopStories } from "@/lib/queries/stories";
import { storyHighlights, TOP_STORIES_SHOWN } from "./top-stories-state";

/** Articles read per story: enough that three other outlets show even when one outlet filed several. */
const ARTICLES_READ_PER_STORY = 12;

export async function loadTopStories(): Promise<Story[]> {
  try {
    const stories = await getTopStories(TOP_STORIES_SHOWN, ARTICLES_READ_PER_STORY);
    return stories.map((story) => {
      const { lead, others } = storyHighlights(story);
      return { ...story, articles: lead ? [lead, ...others] : [] };
    });
  } catch (error) {
    // The live river is the page; top stories are a bonus that must not take it down.
    console.error("homepage: top stories unavailable", error);
    return [];
  }
}
