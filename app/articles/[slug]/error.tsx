"use client";
import { ErrorPanel, type ErrorBoundaryProps } from "@/components/ui/error-panel";

export default function ArticleError(props: ErrorBoundaryProps) {
  return <ErrorPanel {...props} title="This story could not be loaded" />;
}
