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
  adapter.onTurnError = async (context, error) => {
    logger.error(
      { err: error, activityId: context.activity.id, channelId: context.activity.channelId },
      'turn failed',
    );
    try {
      await context.sendActivity(apology(context));
    } catch (sendError) {
      logger.warn({ err: sendError }, 'could not send the apology');
    }
    try {
      await conversationState.delete(context);
    } catch (deleteError) {
      logger.warn({ err: deleteError }, 'could not clear the conversation state');
    }
  };
  return { adapter, auth };
}
