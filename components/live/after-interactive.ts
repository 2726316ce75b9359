// Runs work once the page is interactive: after the load event (or a cap, so that one slow image cannot
// hold the live connection back for long), in an idle period. Nothing here competes with hydration.

/** Start anyway this long after being asked, even if `load` has not fired (a publisher's image hangs). */
const LOAD_CAP_MS = 3_000;
/** requestIdleCallback's deadline: a busy main thread delays the work at most this much more. */
const IDLE_TIMEOUT_MS = 2_000;

type IdleWindow = Window & {
  requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number;
  cancelIdleCallback?: (handle: number) => void;
};

/** Calls `run` once, after the page is interactive; the returned function cancels it if it has not run yet. */
export function afterInteractive(run: () => void): () => void {
  const win = window as IdleWindow;
  let state: "waiting" | "scheduled" | "done" = "waiting";
  let idleHandle: number | undefined;
  let timer: number | undefined;

  function go() {
    if (state !== "done") {
      state = "done";
      run();
    }
  }
  function schedule() {
    if (state !== "waiting") return;
    state = "scheduled";
    window.removeEventListener("load", schedule);
    window.clearTimeout(timer);
    if (win.requestIdleCallback) idleHandle = win.requestIdleCallback(go, { timeout: IDLE_TIMEOUT_MS });
    else timer = window.setTimeout(go, 1);
  }

  if (document.readyState === "complete") schedule();
  else {
    window.addEventListener("load", schedule);
    timer = window.setTimeout(schedule, LOAD_CAP_MS);
  }
  return () => {
    if (state === "done") return;
    state = "done";
    window.removeEventListener("load", schedule);
    window.clearTimeout(timer);
    if (idleHandle !== undefined) win.cancelIdleCallback?.(idleHandle);
  };
}
