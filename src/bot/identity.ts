import { TurnContext, type Activity } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity } from 'botframework-connector';
import { z } from 'zod';
import type { ConversationAddress } from '../domain/ports';
import type { ActorIdentity } from '../domain/staff/actor';

/**
 * The sender's Microsoft Entra object id, only when the channel proved who sent the activity.
 * With authentication off (no MicrosoftAppId) anyone can POST an activity with any
 * `from.aadObjectId`, so the CloudAdapter's identity for the turn is anonymous and the id is not
 * trusted: the sender is an unknown user. (In-process turns without an adapter identity, such as
 * botbuilder's TestAdapter, keep it.)
 */
export function verifiedAadObjectId(context: TurnContext): string | undefined {
  const identity: unknown = context.turnState.get(context.adapter.BotIdentityKey);
  if (identity instanceof ClaimsIdentity) {
    // Authentication off gives an identity without claims (or the anonymous skill's app id).
    const anonymous = identity.claims.length === 0 || identity.getClaimValue(AuthenticationConstants.AppIdClaim) === AuthenticationConstants.AnonymousSkillAppId;
    if (anonymous || !identity.isAuthenticated) return undefined;
  }
  return context.activity.from?.aadObjectId;
}

/** Where a turn came from, as the domain records it (submitter, conversation, idempotency keys). */
export interface TurnOrigin {
  /** Who sent the activity, on which channel. */
  user: { channelId: string; userId: string };
  /** `<channelId>:<user id>`: how items, requests and focus groups record their submitter. */
  userKey: string;
  /** The conversation, as privacy requests name it. */
  conversation: { channelId: string; conversationId: string };
  /** Where the bot can reach the user again: the conversation reference, as plain JSON. */
  address: ConversationAddress;
  /** The activity's id ('' when the channel gave none). */
  activityId: string;
  /** A key for something this conversation did, the same on a repeated delivery: `<channelId>:<conversationId>:<parts>`. */
  sourceKey(...parts: string[]): string;
}

const addressSchema = z.record(z.string(), z.json());

/** The one place an activity becomes a user key, a conversation address and source keys. */
export function turnOrigin(activity: Activity): TurnOrigin {
  const channelId = activity.channelId;
  const conversationId = activity.conversation.id;
  const userId = activity.from.id;
  return {
    user: { channelId, userId },
    userKey: `${channelId}:${userId}`,
    conversation: { channelId, conversationId },
    // Built when asked for: most turns need only the user key (a focus-group join, an answer).
    get address() {
      return addressSchema.parse(JSON.parse(JSON.stringify(TurnContext.getConversationReference(activity))));
    },
    activityId: activity.id ?? '',
    sourceKey: (...parts) => [channelId, conversationId, ...parts].join(':'),
  };
}

/**
 * What a Bot Framework turn tells about who is asking, for resolveActor: the Entra object id only
 * when the channel proved it, and the Teams team the turn came from (a Teams channel's turns only).
 */
export function turnIdentity(context: TurnContext): ActorIdentity {
  const channelData: unknown = context.activity.channelData;
  const team = context.activity.channelId === 'msteams' ? teamSchema.safeParse(channelData) : undefined;
  return {
    kind: 'entra',
    aadObjectId: verifiedAadObjectId(context),
    name: context.activity.from?.name,
    teamId: team?.success ? team.data.team.id : undefined,
  };
}

const teamSchema = z.object({ team: z.object({ id: z.string().min(1) }) });
