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
  constructor(private readonly outbound: () => LocalOutbound) {
    super();
  }

  override async create(): Promise<ConnectorClient> {
    const httpClient = new LocalHttpClient(this.outbound()) as unknown as HttpClientOption;
    return new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri: LOCAL_SERVICE_URL, httpClient });
  }
}

/**
 * Wraps the configured Bot Framework authentication so that connectors for the local channel are
 * in-process, while every other channel keeps its normal, authenticated connector.
 */
export class LocalAwareAuthentication extends BotFrameworkAuthentication {
  private readonly localFactory: LocalConnectorFactory;
  private outbound: LocalOutbound | undefined;

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

  override authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateRequest(activity, authHeader);
  }

  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const innerFactory = this.inner.createConnectorFactory(claimsIdentity);
    const local = this.localFactory;
    return new (class extends ConnectorFactory {
      override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return isLocalServiceUrl(serviceUrl) ? local.create() : innerFactory.create(serviceUrl, audience);
      }
    })();
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
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
