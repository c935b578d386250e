import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Config } from '../config';
import type { Logger } from '../log';
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

/** How many connectors (per service URL, audience and app id) and token clients are kept. */
const MAX_CACHED_CLIENTS = 64;

/** A small map that forgets its oldest entry past a size (service URLs come from requests). */
class BoundedCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly max: number) {}
  async get(key: string, create: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    const created = await create();
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, created);
    return created;
  }
}

const appIdOf = (claimsIdentity: ClaimsIdentity): string =>
  claimsIdentity.claims.find((c) => c.type === AuthenticationConstants.AppIdClaim || c.type === AuthenticationConstants.AuthorizedParty)?.value ??
  claimsIdentity.claims.find((c) => c.type === AuthenticationConstants.AudienceClaim)?.value ??
  '';

/**
 * The configured Bot Framework authentication, with its connectors and user token clients built
 * once per service URL, audience and app id and reused (as botbuilder's BotFrameworkAdapter did)
 * instead of a new HTTP pipeline on every turn. Their credentials fetch and refresh tokens themselves.
 */
export class CachingAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new BoundedCache<ConnectorClient>(MAX_CACHED_CLIENTS);
  private readonly tokenClients = new BoundedCache<UserTokenClient>(MAX_CACHED_CLIENTS);

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.cachingFactory(result.connectorFactory, appIdOf(result.claimsIdentity)) };
  }

  private cachingFactory(inner: ConnectorFactory, appId: string): ConnectorFactory {
    const connectors = this.connectors;
    return new (class extends ConnectorFactory {
      override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return connectors.get(JSON.stringify([serviceUrl, audience ?? '', appId]), () => inner.create(serviceUrl, audience));
      }
    })();
  }

  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.cachingFactory(this.inner.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

export interface BotAdapter {
  adapter: BotCloudAdapter;
  auth: CachingAuthentication;
}

/**
 * The CloudAdapter with Bot Framework authentication from configuration (off when MicrosoftAppId
 * is unset), its connectors reused across turns.
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
  const auth = new CachingAuthentication(new ConfigurationBotFrameworkAuthentication(options));
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
