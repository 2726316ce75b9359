// The WebSub callback's side effects, for app/api/websub/[id]: confirm a subscription, authenticate a push.
// The state is in the database, so no instance from server.ts is needed here (docs/decisions/0002).
import { answerVerification, checkPush, type PushCheck, type VerificationAnswer } from "../ingest/websub";
import { findWebSubSubscription } from "../db/websub";
import { getLogger } from "../log";

export type { PushCheck, VerificationAnswer };

/** A hub's GET on the callback: the status and text/plain body to answer with. */
export function confirmWebSubIntent(sourceId: number, params: URLSearchParams): Promise<VerificationAnswer> {
  return answerVerification(sourceId, params, { logger: getLogger() });
}

/** A hub's POST on the callback: whether the body may be ingested, and under which URL. */
export function authenticateWebSubPush(sourceId: number, body: Buffer, signatureHeader: string | null): Promise<PushCheck> {
  return checkPush(sourceId, body, signatureHeader);
}

/** Whether pushes for this source are expected at all: checked before a push's body is read. */
export async function expectsWebSubPushes(sourceId: number): Promise<boolean> {
  const stored = await findWebSubSubscription(sourceId);
  return stored !== null && stored.secret !== null && stored.topic !== null;
}
