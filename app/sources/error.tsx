"use client";
import { ErrorPanel, type ErrorBoundaryProps } from "@/components/ui/error-panel";

export default function SourcesError(props: ErrorBoundaryProps) {
  return <ErrorPanel {...props} title="Sources could not be loaded" />;
}
