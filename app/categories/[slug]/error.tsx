"use client";
import { ErrorPanel, type ErrorBoundaryProps } from "@/components/ui/error-panel";

export default function CategoryError(props: ErrorBoundaryProps) {
  return <ErrorPanel {...props} title="This section could not be loaded" />;
}
