"use client";
import { ErrorPanel, type ErrorBoundaryProps } from "@/components/ui/error-panel";

export default function SearchError(props: ErrorBoundaryProps) {
  return <ErrorPanel {...props} title="Search is not available right now" />;
}
