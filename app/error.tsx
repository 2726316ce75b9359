"use client";
import { ErrorPanel, type ErrorBoundaryProps } from "@/components/ui/error-panel";

export default function RootError(props: ErrorBoundaryProps) {
  return <ErrorPanel {...props} title="The news could not be loaded" />;
}
