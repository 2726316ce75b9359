"use client";
import { ErrorPanel, type ErrorBoundaryProps } from "@/components/ui/error-panel";

export default function SourceError(props: ErrorBoundaryProps) {
  return <ErrorPanel {...props} title="This source could not be loaded" />;
}
