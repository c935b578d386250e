import type { TurnContext } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity } from 'botframework-connector';

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
