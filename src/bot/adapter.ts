import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log';
import { LocalAwareAuthentication } from './localChannel';

export interface BotAdapter {
  adapter: CloudAdapter;
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
  const adapter = new CloudAdapter(auth);

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
