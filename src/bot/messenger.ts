/**
 * The one way the bot sends anything outside a turn (a staff answer to a submitter, a status
 * change, a focus-group push, a team card) and the way it sends inside a turn of the built-in web
 * chat: a small port with two operations. Addresses of the local web chat are delivered straight to
 * the page (its transcript and open streams); every other channel's through the adapter
 * (continueConversationAsync, then sendActivity or updateActivity), with its own connector.
 */
import type { Activity, CloudAdapter, ConversationAccount, ConversationReference, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { ConversationAddress } from '../domain/ports';
import { isLocalAddress, type LocalDelivery } from './localChannel';

export interface Messenger {
  /** Sends an activity to the conversation; resolves the id the channel gave it (when it gives one). */
  send(address: ConversationAddress, activity: Partial<Activity>): Promise<string | undefined>;
  /** Replaces an activity sent earlier (a card updated in place). */
  update(address: ConversationAddress, activityId: string, activity: Partial<Activity>): Promise<void>;
}

/** Sends a text message to a user later, on their own conversation (a proactive message). */
export type Notify = (address: ConversationAddress, text: string) => Promise<void>;

/** The text-message convenience over a Messenger. */
export function notifier(messenger: Messenger): Notify {
  return async (address, text) => {
    await messenger.send(address, { type: 'message', text });
  };
}

const account = z.object({ id: z.string(), name: z.string().optional() }).loose();
const addressSchema = z
  .object({
    channelId: z.string().min(1),
    serviceUrl: z.string().min(1),
    conversation: z
      .object({
        id: z.string().min(1),
        isGroup: z.boolean().optional(),
        conversationType: z.string().optional(),
        name: z.string().optional(),
        tenantId: z.string().optional(),
      })
      .loose(),
    user: account.optional(),
    bot: account.optional(),
    activityId: z.string().optional(),
    locale: z.string().optional(),
  })
  .loose();

/** Thrown for a stored address that is not a conversation reference (nothing can be sent to it). */
export class AddressError extends Error {
  constructor(problem: string) {
    super(`not a conversation address: ${problem}`);
    this.name = 'AddressError';
  }
}

/** The Bot Framework conversation reference kept as a plain-JSON address, checked field by field. */
export function conversationReference(address: ConversationAddress): Partial<ConversationReference> {
  const parsed = addressSchema.safeParse(address);
  if (!parsed.success) throw new AddressError(parsed.error.issues.map((i) => `${i.path.join('.') || 'address'}: ${i.message}`).join('; '));
  const { conversation, user, bot, channelId, serviceUrl, activityId, locale } = parsed.data;
  const conversationAccount: ConversationAccount = {
    ...conversation,
    id: conversation.id,
    isGroup: conversation.isGroup ?? false,
    conversationType: conversation.conversationType ?? '',
    name: conversation.name ?? '',
  };
  return {
    channelId,
    serviceUrl,
    conversation: conversationAccount,
    ...(user ? { user: { ...user, name: user.name ?? '' } } : {}),
    ...(bot ? { bot: { ...bot, name: bot.name ?? '' } } : {}),
    ...(activityId !== undefined ? { activityId } : {}),
    ...(locale !== undefined ? { locale } : {}),
  };
}

export interface MessengerOptions {
  adapter: CloudAdapter;
  /** The bot's app id (empty with authentication off). */
  appId: string | undefined;
  /** The built-in web chat: its transcript and open pages. */
  local: LocalDelivery;
}

export function createMessenger(options: MessengerOptions): Messenger {
  const { adapter, local } = options;
  const appId = options.appId ?? '';
  /**
   * A proactive turn whose failure reaches the caller: the adapter's turn-error handler would only
   * log it, and the item pipeline retries what fails.
   */
  const proactive = async <T>(reference: Partial<ConversationReference>, work: (context: TurnContext) => Promise<T>): Promise<T> => {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
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
    async send(address, activity) {
      const reference = conversationReference(address);
      if (isLocalAddress(reference)) return local.send(reference.conversation?.id ?? '', activity);
      return proactive(reference, async (context) => (await context.sendActivity(activity))?.id || undefined);
    },
    async update(address, activityId, activity) {
      const reference = conversationReference(address);
      if (isLocalAddress(reference)) {
        await local.update(reference.conversation?.id ?? '', activityId, activity);
        return;
      }
      await proactive(reference, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      });
    },
  };
}
