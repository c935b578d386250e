import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  StatusCodes,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Request, Response } from 'restify';
import type { Config } from '../config';
import type { Logger } from '../log';
import { LocalAwareAuthentication } from './localChannel';

export interface BotAdapter {
  adapter: HttpCloudAdapter;
  auth: LocalAwareAuthentication;
}

/** The activity's date fields as Date objects (what botbuilder's own validateAndFixActivity does). */
function withDates(body: Record<string, unknown>): Activity {
  const activity: Record<string, unknown> = { ...body };
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  // The server checked type, ids and serviceUrl (src/bot/inboundActivity.ts) before this runs.
  return activity as Partial<Activity> as Activity;
}

/**
 * The CloudAdapter, with the HTTP step done directly for restify: what `CloudAdapter.process`
 * does, minus the zod schemas it builds on every request (the server has already checked the
 * activity with its own schema, built once). Authentication, the turn and the expectReplies /
 * invoke results are the adapter's own `processActivity`.
 */
export class HttpCloudAdapter extends CloudAdapter {
  async processHttp(req: Request, res: Response, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const end = (status: number, body?: unknown) => {
      res.status(status);
      if (body !== undefined) res.send(body);
      res.end();
    };
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return end(StatusCodes.BAD_REQUEST);
    const activity = withDates(body as Record<string, unknown>);
    const authHeader = req.header('authorization') ?? '';
    try {
      const invokeResponse = await this.processActivity(authHeader, activity, logic);
      end(invokeResponse?.status ?? StatusCodes.OK, invokeResponse?.body);
    } catch (error) {
      if (error instanceof AuthenticationError) return end(StatusCodes.UNAUTHORIZED, error.message);
      throw error;
    }
  }
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
  const adapter = new HttpCloudAdapter(auth);

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
