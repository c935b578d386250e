/**
 * The bot's own web chat channel. Its conversations never leave the process and need no Azure
 * resources and no Bot Framework token, whatever the auth setting of /api/messages:
 * - a turn runs through the adapter like any other (processActivity with an authenticated claims
 *   identity, as /api/messages does), in `expectReplies` mode, so the adapter never calls a
 *   connector for it;
 * - what the turn sends, updates or deletes is handed, as it happens, to the page delivery (the
 *   conversation's transcript and open streams) by the turn context's own send/update/delete
 *   handlers, so the page sees replies as they come (typing included) and `sendActivity` resolves
 *   the transcript id a dialog can later update;
 * - what the bot sends later goes through the Messenger (src/bot/messenger.ts), which delivers
 *   local addresses to the same page delivery.
 */
import { ActivityTypes, type Activity, type ConversationReference, type ResourceResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import type { BotCloudAdapter } from './adapter';

export const LOCAL_CHANNEL_ID = 'webchat-local';
export const LOCAL_SERVICE_URL = 'https://local.foretagslotsen.invalid/';

export function isLocalServiceUrl(serviceUrl: string | undefined): boolean {
  return serviceUrl !== undefined && serviceUrl.startsWith(LOCAL_SERVICE_URL);
}

/** Whether a conversation reference is one of the built-in web chat's (by channel or service URL). */
export function isLocalAddress(reference: Partial<Pick<ConversationReference, 'channelId' | 'serviceUrl'>>): boolean {
  return reference.channelId === LOCAL_CHANNEL_ID || isLocalServiceUrl(reference.serviceUrl);
}

/** The page side of the local channel: the web chat transcript and the streams of open pages. */
export interface LocalDelivery {
  /** Stores the bot's activity in the conversation and pushes it to open pages; returns its id. */
  send(conversationId: string, activity: Partial<Activity>): Promise<string>;
  update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void>;
  remove(conversationId: string, activityId: string): Promise<void>;
}

/** Sent activities that are not shown on the page: the adapter keeps them (invoke responses, traces, delays). */
const notShown = new Set<string>([ActivityTypes.InvokeResponse, ActivityTypes.Trace, 'delay']);

/** Hands what a local turn sends, updates and deletes to the page, instead of a connector. */
function deliverToPage(context: TurnContext, local: LocalDelivery): void {
  const conversationId = context.activity.conversation.id;
  context.onSendActivities(async (_context, activities, next) => {
    const ids = new Map<Partial<Activity>, string>();
    for (const activity of activities) {
      if (!notShown.has(activity.type ?? ActivityTypes.Message)) ids.set(activity, await local.send(conversationId, activity));
    }
    const all = [...activities];
    const kept = all.filter((activity) => !ids.has(activity));
    // The adapter buffers the rest (expectReplies): an invoke response is taken from there.
    activities.splice(0, activities.length, ...kept);
    if (kept.length > 0) await next();
    return all.map((activity): ResourceResponse => ({ id: ids.get(activity) ?? '' }));
  });
  context.onUpdateActivity(async (_context, activity) => {
    if (!activity.id) throw new Error('updateActivity needs the id of the activity to replace');
    await local.update(conversationId, activity.id, activity);
  });
  context.onDeleteActivity(async (_context, reference) => {
    if (!reference.activityId) throw new Error('deleteActivity needs the id of the activity to delete');
    await local.remove(conversationId, reference.activityId);
  });
}

export interface LocalTurnOptions {
  adapter: BotCloudAdapter;
  auth: BotFrameworkAuthentication;
  /** The bot's app id (empty with authentication off). */
  appId: string | undefined;
  local: LocalDelivery;
  logic(context: TurnContext): Promise<void>;
}

/**
 * What the adapter reads of every activity, checked (as checkInboundActivity does for /api/messages)
 * instead of assumed: the rest of botbuilder's Activity fields are optional in practice.
 */
function isRunnable(activity: Partial<Activity>): activity is Activity {
  return (
    typeof activity.type === 'string' &&
    activity.channelId === LOCAL_CHANNEL_ID &&
    isLocalServiceUrl(activity.serviceUrl) &&
    typeof activity.conversation?.id === 'string' &&
    typeof activity.from?.id === 'string' &&
    typeof activity.recipient?.id === 'string'
  );
}

/** Runs activities of the built-in web chat (made by src/web from a verified Direct Line token) through the bot. */
export function createLocalTurns(options: LocalTurnOptions): (activity: Partial<Activity>) => Promise<void> {
  const appId = options.appId ?? '';
  // The web chat's token was checked before the activity was made: the turn is the bot's own,
  // with the same claims a proactive turn of the adapter has, marked as authenticated.
  const claimsIdentity = new ClaimsIdentity(
    [
      { type: AuthenticationConstants.AudienceClaim, value: appId },
      { type: AuthenticationConstants.AppIdClaim, value: appId },
    ],
    true,
  );
  const authenticated: AuthenticateRequestResult = {
    audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
    callerId: undefined,
    claimsIdentity,
    connectorFactory: options.auth.createConnectorFactory(claimsIdentity),
  };
  return async (activity) => {
    const turn = { ...activity, deliveryMode: 'expectReplies' };
    if (!isRunnable(turn)) throw new Error('local turns take local web chat activities (channel, service URL, conversation, from, recipient) only');
    await options.adapter.processAuthenticated(authenticated, turn, async (context) => {
      deliverToPage(context, options.local);
      await options.logic(context);
    });
  };
}
