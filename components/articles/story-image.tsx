// A story's picture, hotlinked from its publisher. A plain <img>: images come from publishers' hosts, which
// Next's image optimizer must not proxy for strangers. Its box is fixed before a byte arrives (the width and
// height attributes give the browser the 16:9 ratio, the class holds it whatever the file's own shape), so
// nothing below it moves when it loads; object-cover crops instead of stretching.
type Props = {
  src: string;
  /** The first picture of a page: fetched eagerly and ahead of other images (it is usually the LCP element). */
  priority?: boolean;
  className?: string;
};

export function StoryImage({ src, priority = false, className = "" }: Props) {
  return (
    <img
      src={src}
      alt=""
      width={640}
      height={360}
      loading={priority ? "eager" : "lazy"}
      fetchPriority={priority ? "high" : "auto"}
      decoding={priority ? "sync" : "async"}
      referrerPolicy="no-referrer"
      className={`block aspect-video h-auto w-full rounded-sm bg-sunken object-cover ${className}`}
    />
  );
}
