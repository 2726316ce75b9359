// A plain GET form to /search: works without JavaScript.
export function SearchForm({
  defaultValue,
  id = "site-search",
  size = "compact",
  className = "",
}: {
  defaultValue?: string;
  id?: string;
  size?: "compact" | "large";
  className?: string;
}) {
  const large = size === "large";
  return (
    <form role="search" action="/search" method="get" className={`flex min-w-0 gap-2 ${className}`}>
      <label htmlFor={id} className="sr-only">
        Search stories
      </label>
      <input
        id={id}
        name="q"
        type="search"
        defaultValue={defaultValue}
        placeholder="Search stories"
        maxLength={200}
        autoComplete="off"
        className={`min-w-0 flex-1 rounded-md border border-line-strong bg-surface px-3 text-ink placeholder:text-muted ${
          large ? "h-12 text-lg" : "h-10 text-sm"
        }`}
      />
      <button
        type="submit"
        className={`shrink-0 rounded-md bg-ink px-4 font-semibold text-paper hover:opacity-90 ${large ? "h-12" : "h-10 text-sm"}`}
      >
        Search
      </button>
    </form>
  );
}
