"use client";
// What every route segment's error.tsx shows. Errors from server components arrive without their message in
// production (Next replaces it with a digest), so the text here never depends on it.
import Link from "next/link";
import { useEffect } from "react";

export type ErrorBoundaryProps = { error: unknown; retry?: () => void; reset?: () => void };

export function ErrorPanel({
  error,
  retry,
  reset,
  title = "Something went wrong",
  message = "This page could not be loaded just now. The problem may be temporary.",
}: ErrorBoundaryProps & { title?: string; message?: string }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  const digest =
    typeof error === "object" && error !== null && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  const tryAgain = retry ?? reset;

  return (
    <div role="alert" className="mx-auto max-w-xl py-16 text-center">
      <h1 className="font-serif text-3xl font-bold">{title}</h1>
      <p className="mt-3 text-muted">{message}</p>
      <div className="mt-6 flex flex-wrap items-center justify-center gap-3">
        {tryAgain ? (
          <button
            type="button"
            onClick={() => tryAgain()}
            className="h-10 rounded-md bg-ink px-4 text-sm font-semibold text-paper hover:opacity-90"
          >
            Try again
          </button>
        ) : null}
        <Link href="/" className="inline-flex h-10 items-center rounded-md border border-line-strong px-4 text-sm font-semibold">
          Go to the front page
        </Link>
      </div>
      {digest ? <p className="mt-6 font-mono text-xs text-muted">Reference: {digest}</p> : null}
    </div>
  );
}
