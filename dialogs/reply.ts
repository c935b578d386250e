import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';

/**
 * What a bot reply is, for the user and for the conversation suite: every reply the dialogs send
 * carries `channelData.replyKind` (see the conversation spec). One place sets it.
 */
export const replyKinds = [
  'capabilities',
  'clarify',
  'cannot-answer',
  'handoff',
  'handoff-step',
  'handoff-done',
  'suggestion-ask',
  'suggestion-step',
  'receipt',
  'supported',
  'masked',
  'cancelled',
  'leave-question',
  'crisis',
  'my-suggestions',
  'privacy-info',
  'privacy-confirm',
  'privacy-erased',
  'focus-consent',
  'focus-step',
  'focus-done',
  'focus-closed',
  'focus-unknown-code',
  'notice',
] as const;
export type ReplyKind = (typeof replyKinds)[number] | `guide:${string}`;

/** The activity (or text) marked with its reply kind. */
export function kinded(activity: Partial<Activity> | string, kind: ReplyKind): Partial<Activity> {
  const base = typeof activity === 'string' ? MessageFactory.text(activity) : activity;
  const channelData = (base.channelData ?? {}) as Record<string, unknown>;
  return { ...base, channelData: { ...channelData, replyKind: kind } };
}

/** Sends a reply marked with its kind. */
export async function reply(context: TurnContext, kind: ReplyKind, activity: Partial<Activity> | string): Promise<void> {
  await context.sendActivity(kinded(activity, kind));
}
