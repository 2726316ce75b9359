"use client";
// Replaces the root layout when the layout itself fails, so it brings its own document and minimal styles.
import { useEffect } from "react";

export default function GlobalError({ error, retry, reset }: { error: unknown; retry?: () => void; reset?: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const tryAgain = retry ?? reset;
  return (
    <html lang="en">
      <head>
        <title>Newswire is unavailable</title>
        <meta name="color-scheme" content="light dark" />
      </head>
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: "36rem", margin: "4rem auto", padding: "0 1rem", textAlign: "center" }}>
        <h1 style={{ fontFamily: "ui-serif, Georgia, serif" }}>Newswire is unavailable</h1>
        <p>The site could not be loaded just now. The problem may be temporary.</p>
        <p style={{ display: "flex", gap: "1rem", justifyContent: "center" }}>
          {tryAgain ? (
            <button type="button" onClick={() => tryAgain()} style={{ padding: "0.5rem 1rem", font: "inherit" }}>
              Try again
            </button>
          ) : null}
          <a href="/">Reload the front page</a>
        </p>
      </body>
    </html>
  );
}
