import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { ConversationAddress } from '../domain/ports';

/** Sends a message to a user later, on their own conversation (a proactive message). */
export type Notify = (address: ConversationAddress, text: string) => Promise<void>;

export function createNotifier(adapter: CloudAdapter, appId: string | undefined): Notify {
  return async (address, text) => {
    const reference = address as unknown as Partial<ConversationReference>;
    await adapter.continueConversationAsync(appId ?? '', reference, async (context) => {
      await context.sendActivity(text);
    });
  };
}
