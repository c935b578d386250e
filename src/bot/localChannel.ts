import type { Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  MicrosoftAppCredentials,
  type AuthenticateRequestResult,
  type UserTokenClient,
} from 'botframework-connector';

/**
 * The bot's own web chat channel. Its conversations never leave the process: the Bot Framework
 * connector calls that the adapter makes for them (replies, proactive messages, updates) are
 * answered in-process by a `LocalOutbound` instead of HTTP, so the built-in web chat needs no
 * Azure resources and no Bot Framework token, whatever the auth setting of /api/messages.
 */
export const LOCAL_CHANNEL_ID = 'webchat-local';
export const LOCAL_SERVICE_URL = 'https://local.foretagslotsen.invalid/';

export function isLocalServiceUrl(serviceUrl: string | undefined): boolean {
  return serviceUrl !== undefined && serviceUrl.startsWith(LOCAL_SERVICE_URL);
}

/** Where the bot's outgoing activities on the local channel go (the web chat transcript). */
export interface LocalOutbound {
  /** Stores the bot's activity in the conversation and pushes it to open pages; returns its id. */
  send(conversationId: string, activity: Partial<Activity>): Promise<string>;
  update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void>;
  remove(conversationId: string, activityId: string): Promise<void>;
}

interface CompatRequest {
  url: string;
  method: string;
  body?: unknown;
}

/** The header object the Bot Framework connector's HTTP pipeline expects (core-http's HttpHeaders shape). */
class CompatHeaders {
  private readonly values = new Map<string, { name: string; value: string }>();
  constructor(initial: Record<string, string>) {
    for (const [name, value] of Object.entries(initial)) this.set(name, value);
  }
  set(name: string, value: string | number): void {
    this.values.set(name.toLowerCase(), { name, value: String(value) });
  }
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.value;
  }
  contains(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }
  remove(name: string): boolean {
    return this.values.delete(name.toLowerCase());
  }
  rawHeaders(): Record<string, string> {
    return this.toJson();
  }
  headersArray(): Array<{ name: string; value: string }> {
    return [...this.values.values()];
  }
  headerNames(): string[] {
    return [...this.values.values()].map((h) => h.name);
  }
  headerValues(): string[] {
    return [...this.values.values()].map((h) => h.value);
  }
  toJson(options: { preserveCase?: boolean } = {}): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [key, { name, value }] of this.values) result[options.preserveCase ? name : key] = value;
    return result;
  }
  clone(): CompatHeaders {
    return new CompatHeaders(this.toJson({ preserveCase: true }));
  }
}

class LocalHttpClient {
  constructor(private readonly outbound: LocalOutbound) {}

  async sendRequest(request: CompatRequest): Promise<unknown> {
    const url = new URL(request.url);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // v3/conversations/{conversationId}/activities[/{activityId}]
    const [version, collection, conversationId, activities, activityId] = parts;
    const respond = (status: number, body?: unknown) => ({
      request,
      status,
      headers: new CompatHeaders({ 'content-type': 'application/json' }),
      bodyAsText: body === undefined ? '' : JSON.stringify(body),
    });
    if (version !== 'v3' || collection !== 'conversations' || !conversationId || activities !== 'activities') {
      return respond(404, { error: { code: 'NotFound', message: `local channel has no ${url.pathname}` } });
    }
    const body = typeof request.body === 'string' ? (JSON.parse(request.body) as Partial<Activity>) : undefined;
    switch (request.method.toUpperCase()) {
      case 'POST': {
        if (!body) return respond(400, { error: { code: 'BadArgument', message: 'activity body required' } });
        const id = await this.outbound.send(conversationId, body);
        return respond(200, { id });
      }
      case 'PUT': {
        if (!body || !activityId) return respond(400, { error: { code: 'BadArgument', message: 'activity id and body required' } });
        await this.outbound.update(conversationId, activityId, body);
        return respond(200, { id: activityId });
      }
      case 'DELETE': {
        if (!activityId) return respond(400, { error: { code: 'BadArgument', message: 'activity id required' } });
        await this.outbound.remove(conversationId, activityId);
        return respond(200);
      }
      default:
        return respond(405, { error: { code: 'MethodNotAllowed', message: request.method } });
    }
  }
}

type HttpClientOption = NonNullable<NonNullable<ConstructorParameters<typeof ConnectorClient>[1]>['httpClient']>;

class LocalConnectorFactory extends ConnectorFactory {
  private client: ConnectorClient | undefined;
  constructor(private readonly outbound: () => LocalOutbound) {
    super();
  }

  /** One in-process connector for every local turn (it holds no per-turn state). */
  override async create(): Promise<ConnectorClient> {
    if (!this.client) {
      const httpClient = new LocalHttpClient(this.outbound()) as unknown as HttpClientOption;
      this.client = new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri: LOCAL_SERVICE_URL, httpClient });
    }
    return this.client;
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
 * Wraps the configured Bot Framework authentication so that connectors for the local channel are
 * in-process, while every other channel keeps its normal, authenticated connector.
 */
export class LocalAwareAuthentication extends BotFrameworkAuthentication {
  private readonly localFactory: LocalConnectorFactory;
  private outbound: LocalOutbound | undefined;
  /**
   * Connectors and user token clients, built once per service URL, audience and app id and reused
   * (as botbuilder's BotFrameworkAdapter did) instead of a new HTTP pipeline on every turn. Their
   * credentials fetch and refresh tokens themselves.
   */
  private readonly connectors = new BoundedCache<ConnectorClient>(MAX_CACHED_CLIENTS);
  private readonly tokenClients = new BoundedCache<UserTokenClient>(MAX_CACHED_CLIENTS);

  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly appId: string | undefined,
  ) {
    super();
    this.localFactory = new LocalConnectorFactory(() => {
      if (!this.outbound) throw new Error('the local web chat channel is not attached');
      return this.outbound;
    });
  }

  attachLocalOutbound(outbound: LocalOutbound): void {
    this.outbound = outbound;
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.cachingFactory(result.connectorFactory, appIdOf(result.claimsIdentity)) };
  }

  private cachingFactory(inner: ConnectorFactory, appId: string): ConnectorFactory {
    const connectors = this.connectors;
    const local = this.localFactory;
    return new (class extends ConnectorFactory {
      override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        if (isLocalServiceUrl(serviceUrl)) return local.create();
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

  /** The authentication result for an activity that arrived through the local web chat. */
  localRequestResult(): AuthenticateRequestResult {
    const appId = this.appId ?? '';
    return {
      audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
      callerId: undefined,
      claimsIdentity: new ClaimsIdentity(
        [
          { type: AuthenticationConstants.AudienceClaim, value: appId },
          { type: AuthenticationConstants.AppIdClaim, value: appId },
        ],
        true,
      ),
      connectorFactory: this.localFactory,
    };
  }
}
