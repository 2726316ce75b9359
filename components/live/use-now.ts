"use client";
import { useEffect, useState } from "react";

/**
 * The clock relative times are measured against. Starts at the server's value so the hydrated markup matches
 * the server's exactly, then ticks on the client.
 */
export function useNow(serverNow: number, intervalMs = 30_000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
