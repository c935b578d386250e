import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ConversationAddress } from '../domain/ports';

/** The one way the bot sends a message on its own (proactive): a card, a status change, a digest. */
export interface Messenger {
  /** Sends an activity to a conversation; resolves with its id when the channel gives one. */
  send(address: ConversationAddress, activity: Partial<Activity>): Promise<string | undefined>;
  /** Replaces an activity sent earlier (a card updated in place). */
  update(address: ConversationAddress, activityId: string, activity: Partial<Activity>): Promise<void>;
}

/**
 * A Messenger over the adapter's proactive turns (continueConversationAsync). A failure inside
 * the turn is thrown to the caller (the adapter's turn-error handler would only log it), so the
 * item pipeline can retry it.
 */
export function createAdapterMessenger(adapter: CloudAdapter, appId: string | undefined): Messenger {
  const proactive = async <T>(address: ConversationAddress, work: (context: TurnContext) => Promise<T>): Promise<T> => {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await adapter.continueConversationAsync(appId ?? '', address as Partial<ConversationReference>, async (context) => {
      try {
        outcome = { ok: true, value: await work(context) };
      } catch (error) {
        outcome = { ok: false, error };
      }
    });
    if (!outcome) throw new Error('the proactive turn did not run');
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
  return {
    send: (address, activity) => proactive(address, async (context) => (await context.sendActivity(activity))?.id),
    update: (address, activityId, activity) =>
      proactive(address, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      }),
  };
}
