import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { Config } from '../config';
import type { Logger } from '../log';
import { LocalAwareAuthentication } from './localChannel';
import { wasAcknowledged } from './bot';
import { StoreUnavailableError } from '../domain/ports';

/** True when the error, or what it wraps (botbuilder-dialogs' DialogContextError keeps it in `error`), is a store outage. */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof StoreUnavailableError) return true;
    const wrapped = current as { error?: unknown; cause?: unknown };
    current = wrapped.error ?? wrapped.cause;
  }
  return false;
}

/** The CloudAdapter, with a turn for a request that was authenticated beforehand (see processRequest.ts). */
export class BotCloudAdapter extends CloudAdapter {
  processAuthenticated(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

export interface BotAdapter {
  adapter: BotCloudAdapter;
  auth: LocalAwareAuthentication;
}

/**
 * The CloudAdapter with Bot Framework authentication from configuration (off when MicrosoftAppId
 * is unset) and the in-process connector for the built-in web chat.
 */
export function createBotAdapter(
  config: Config,
  logger: Logger,
  conversationState: ConversationState,
  apology: (context: TurnContext) => string,
  storeDown: (context: TurnContext) => string,
): BotAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = config.bot.authEnabled
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword,
        MicrosoftAppType: config.bot.appType,
        MicrosoftAppTenantId: config.bot.tenantId,
      }
    : {};
  const auth = new LocalAwareAuthentication(new ConfigurationBotFrameworkAuthentication(options), config.bot.appId);
  const adapter = new BotCloudAdapter(auth);

  // One turn-error handler: log, apologise, and clear the conversation state so the user is not stuck.
  // A store outage is different: the state is not broken, only unsaved (clearing it would fail too),
  // and the apology says so; when the turn already acknowledged a suggestion, that stays the one message.
  adapter.onTurnError = async (context, error) => {
    const outage = isStoreUnavailable(error);
    const where = { activityId: context.activity.id, channelId: context.activity.channelId };
    if (context.activity.type === 'event' && context.activity.name === 'ContinueConversation') {
      // A message the bot sends on its own (a queued receipt, a status change) failed: the user's
      // conversation is not at fault, so its state (an open dialog) stays, and no apology is sent.
      logger.warn({ err: error, ...where }, 'proactive message failed');
      return;
    }
    if (outage) {
      logger.warn({ err: error, ...where, acknowledged: wasAcknowledged(context) }, 'turn failed: the store is unavailable');
      if (wasAcknowledged(context)) return;
    } else {
      logger.error({ err: error, ...where }, 'turn failed');
    }
    try {
      await context.sendActivity(outage ? storeDown(context) : apology(context));
    } catch (sendError) {
      logger.warn({ err: sendError }, 'could not send the apology');
    }
    if (outage) return;
    try {
      await conversationState.delete(context);
    } catch (deleteError) {
      logger.warn({ err: deleteError }, 'could not clear the conversation state');
    }
  };
  return { adapter, auth };
}
