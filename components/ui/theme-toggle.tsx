"use client";
// Cycles the theme preference: system → light → dark → system. The choice lives in localStorage and in
// `data-theme` on <html>; the inline script in app/layout.tsx applies it before paint on every page load.
import { useEffect, useLayoutEffect, useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY } from "./theme";

type Preference = "system" | "light" | "dark";

const NEXT: Record<Preference, Preference> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<Preference, string> = { system: "System", light: "Light", dark: "Dark" };
const DARK_QUERY = "(prefers-color-scheme: dark)";

const listeners = new Set<() => void>();
// Used when storage is blocked, so the button still works for this page view.
let memoryPreference: Preference = "system";

function readPreference(): Preference {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return memoryPreference;
  }
}

function writePreference(preference: Preference): void {
  memoryPreference = preference;
  try {
    if (preference === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage blocked: the in-memory value above is enough for this page.
  }
}

function applyPreference(preference: Preference): void {
  const root = document.documentElement;
  const resolved = preference === "system" ? (window.matchMedia(DARK_QUERY).matches ? "dark" : "light") : preference;
  root.setAttribute("data-theme", resolved);
  if (preference === "system") root.removeAttribute("data-theme-preference");
  else root.setAttribute("data-theme-preference", preference);
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  // Another tab changed the theme.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== null && event.key !== THEME_STORAGE_KEY) return;
    applyPreference(readPreference());
    onChange();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onStorage);
  };
}

export function ThemeToggle() {
  // The server cannot know the preference: it renders "system", and the client snapshot follows after hydration.
  const preference = useSyncExternalStore(subscribe, readPreference, () => "system" as Preference);

  // React resets <html> attributes when it remounts in development; put the theme back before paint.
  useLayoutEffect(() => {
    applyPreference(readPreference());
  }, []);

  // Following the system: track it live.
  useEffect(() => {
    if (preference !== "system") return;
    const query = window.matchMedia(DARK_QUERY);
    const onChange = () => applyPreference("system");
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, [preference]);

  const next = NEXT[preference];

  function cycle() {
    writePreference(next);
    applyPreference(next);
    for (const listener of listeners) listener();
  }

  return (
    <button
      type="button"
      onClick={cycle}
      data-testid="theme-toggle"
      aria-label={`Theme: ${LABEL[preference]}. Switch to ${LABEL[next]}.`}
      title={`Theme: ${LABEL[preference]} (switch to ${LABEL[next]})`}
      className="inline-flex h-10 shrink-0 items-center gap-2 rounded-md border border-line px-3 text-sm font-medium text-ink hover:bg-sunken"
    >
      <ThemeIcon preference={preference} />
      <span className="hidden md:inline">{LABEL[preference]}</span>
    </button>
  );
}

function ThemeIcon({ preference }: { preference: Preference }) {
  const common = {
    width: 18,
    height: 18,
    viewBox: "0 0 24 24",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
    "aria-hidden": true,
  };
  if (preference === "light") {
    return (
      <svg {...common}>
        <circle cx="12" cy="12" r="4" />
        <path d="M12 2v2M12 20v2M4.93 4.93l1.41 1.41M17.66 17.66l1.41 1.41M2 12h2M20 12h2M4.93 19.07l1.41-1.41M17.66 6.34l1.41-1.41" />
      </svg>
    );
  }
  if (preference === "dark") {
    return (
      <svg {...common}>
        <path d="M21 12.79A9 9 0 1 1 11.21 3 7 7 0 0 0 21 12.79z" />
      </svg>
    );
  }
  return (
    <svg {...common}>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </svg>
  );
}
