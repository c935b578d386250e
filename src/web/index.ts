/**
 * Web chat for business owners, with no Azure resources needed:
 *   GET  /                         the chat page (botframework-webchat's own bundle, served from node_modules)
 *   POST /webchat/session          a Direct Line token for a new conversation, or for the browser's earlier one
 *   /v3/directline/...             a Direct Line 3.0-compatible endpoint of the bot's own (conversations,
 *                                  activities, token refresh, WebSocket stream), so Web Chat's standard
 *                                  DirectLine client talks to it unchanged.
 * The bot's replies and its later messages (a staff answer, a status change) reach the page through
 * the local conversations' delivery (LocalDelivery, used by local turns and the Messenger): stored
 * in the transcript and pushed to open streams.
 * With DIRECT_LINE_SECRET set, the page uses Azure Direct Line instead, with a token from this server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Activity, ChannelAccount } from 'botbuilder';
import type { Request, Response } from 'restify';
import { z } from 'zod';
import { repoRoot, type Config } from '../config';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import { LOCAL_CHANNEL_ID, LOCAL_SERVICE_URL, type LocalDelivery } from '../bot/localChannel';
import type { DocumentBackend } from '../store/documents';
import type { HttpServer } from '../server';
import type { RateLimits } from '../rateLimits';
import { open, route, RouteError, tooManyRequests, type Authenticator, type RateLimit } from './routes/table';
import { Transcripts, maskedUserActivity } from './activities';
import { ActivityStreams } from './streams';
import { RESUME_GRACE_SECONDS, TokenSigner, loadTokenSecret, type TokenClaims } from './tokens';
import type { Texts } from '../domain/texts';
import { pageLanguage, renderPage, serveStatic } from './page';

export interface WebChatOptions {
  config: Config;
  logger: Logger;
  store: Store;
  /** Pack id → display name. */
  municipalities: Map<string, { name: string }>;
  /** The page's texts (data/texts/{sv,en}/web.json). */
  texts: Texts;
  /** The conversations' transcripts, open streams and the delivery to them (createLocalConversations). */
  conversations: LocalConversations;
  /** Runs an activity of the local channel through the bot. */
  runTurn(activity: Partial<Activity>): Promise<void>;
  now?: () => Date;
  limits: RateLimits;
  /** Crisis signals: such a user text is not kept in the transcript (the bot answers with help lines). */
  isCrisis?: (text: string) => boolean;
}

export interface WebChat {
  /** Open WebSocket streams (for tests and health). */
  openStreams(conversationId?: string): number;
  close(): Promise<void>;
}

const BOT_ACCOUNT: ChannelAccount = { id: 'foretagslotsen', name: 'Företagslotsen', role: 'bot' };
const MAX_TEXT = 4000;

const postedActivity = z
  .object({
    type: z.enum(['message', 'event', 'typing']),
    text: z.string().max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`).optional(),
    value: z.unknown().optional(),
    name: z.string().max(200).optional(),
    locale: z.string().max(20).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    attachments: z.array(z.unknown()).max(0, 'attachments are not accepted in this chat').optional(),
    textFormat: z.string().optional(),
    from: z.object({ id: z.string().optional(), name: z.string().optional() }).loose().optional(),
  })
  .loose();

const sessionRequest = z
  .object({
    municipality: z.string().max(50).optional(),
    /** The token this browser had before: continue that conversation. */
    resume: z.string().max(2000).optional(),
    /** The page's language (sv-SE, en-US): the welcome of a new conversation comes in it. */
    locale: z.string().max(20).optional(),
  })
  .strict();

const conversationParams = z.object({ conversationId: z.string().min(1) });
const conversationInput = z.object({ params: conversationParams.partial().optional() });
const watermarkQuery = z.object({ watermark: z.string().max(20).optional() });
const conversationSchema = z.object({ conversationId: z.string(), token: z.string(), expires_in: z.number().int(), streamUrl: z.string() });
const activitySetSchema = z.object({ activities: z.array(z.looseObject({ id: z.string().optional(), type: z.string() })), watermark: z.string() });
const azureToken = z.object({ token: z.string(), conversationId: z.string() }).loose();
const sessionReply = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('azure'), domain: z.string(), token: z.string(), conversationId: z.string(), userId: z.string(), municipality: z.string(), resumed: z.literal(false) }),
  z.object({ mode: z.literal('local'), domain: z.string(), token: z.string(), expires_in: z.number().int(), conversationId: z.string(), userId: z.string(), municipality: z.string(), resumed: z.boolean() }),
]);

const languageOfLocale = (locale: string | undefined): 'sv' | 'en' | undefined =>
  locale?.toLowerCase().startsWith('en') ? 'en' : locale?.toLowerCase().startsWith('sv') ? 'sv' : undefined;

/**
 * An activity sent to the page may "reply" to one that is not in the transcript (a proactive
 * message made in a turn of its own, such as the adapter's continuation event). Web Chat holds an
 * activity whose replyToId it has not seen for up to 5 seconds before rendering it, so such a
 * replyToId is dropped; replies to activities of the conversation keep theirs.
 */
export function withoutDanglingReply(conversationId: string, activity: Partial<Activity>): Partial<Activity> {
  if (!activity.replyToId || Transcripts.isActivityOf(conversationId, activity.replyToId)) return activity;
  const { replyToId: _dangling, ...rest } = activity;
  return rest;
}

function bearer(req: Request): string | undefined {
  const header = req.header('authorization');
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

function baseUrl(req: Request, config: Config): string {
  if (config.publicUrl) return config.publicUrl;
  const host = req.header('host') ?? `localhost:${config.port}`;
  const proto = (req.header('x-forwarded-proto') ?? 'http').split(',')[0]?.trim() || 'http';
  return `${proto}://${host}`;
}

/** The built-in web chat's conversations: their transcripts, the open pages' streams, and the delivery to both. */
export interface LocalConversations {
  transcripts: Transcripts;
  streams: ActivityStreams;
  /** What local turns and the Messenger hand the bot's activities to. */
  delivery: LocalDelivery;
}

export function createLocalConversations(backend: DocumentBackend, logger: Logger): LocalConversations {
  const transcripts = new Transcripts(backend);
  const streams = new ActivityStreams(logger);
  const delivery: LocalDelivery = {
    async send(conversationId, activity) {
      if (activity.type === 'typing') {
        // Typing is shown, not kept: pushed with an id of its own, outside the transcript.
        const id = `${conversationId}|typing-${randomBytes(4).toString('hex')}`;
        streams.push(conversationId, { activities: [{ ...withoutTimestamps(activity), id }], watermark: '' }, undefined);
        return id;
      }
      const { activity: stored, ordinal } = await transcripts.append(conversationId, {
        ...withoutDanglingReply(conversationId, activity),
        from: activity.from ?? BOT_ACCOUNT,
      });
      streams.push(conversationId, { activities: [stored], watermark: String(ordinal) }, ordinal);
      return stored.id;
    },
    async update(conversationId, activityId, activity) {
      const stored = await transcripts.update(conversationId, activityId, { ...activity, from: activity.from ?? BOT_ACCOUNT });
      if (stored) streams.push(conversationId, { activities: [stored], watermark: '' }, undefined);
    },
    async remove(conversationId, activityId) {
      await transcripts.update(conversationId, activityId, { type: 'messageDelete', from: BOT_ACCOUNT });
    },
  };
  return { transcripts, streams, delivery };
}

/** A typing activity as Direct Line sends it (its dates as strings). */
function withoutTimestamps(activity: Partial<Activity>): Omit<Partial<Activity>, 'timestamp' | 'localTimestamp' | 'expiration'> {
  const { timestamp: _timestamp, localTimestamp: _local, expiration: _expiration, ...rest } = activity;
  return rest;
}

export function registerWebChat(http: HttpServer, options: WebChatOptions): WebChat {
  const { server } = http;
  const { config, logger, store } = options;
  const { transcripts, streams } = options.conversations;
  let signer: Promise<TokenSigner> | undefined;
  const getSigner = (): Promise<TokenSigner> => {
    if (!signer) {
      signer = loadTokenSecret(config.webchat.tokenSecret, store.kv).then((secret) => new TokenSigner(secret, options.now));
      // A store that was down must not leave the chat without tokens for good: try again next time.
      signer.catch(() => {
        signer = undefined;
      });
    }
    return signer;
  };

  /** Counts a public write from the client's IP; answers 429 itself when over the limit. */
  const streamUrl = (req: Request, claims: TokenClaims, token: string): string =>
    `${baseUrl(req, config).replace(/^http/, 'ws')}/v3/directline/conversations/${encodeURIComponent(claims.conv)}/stream?t=${encodeURIComponent(token)}`;

  /** Checks the token and that it is for this conversation; answers 401/403 itself. */
  const turnActivity = (claims: TokenClaims, activity: Partial<Activity>): Partial<Activity> => ({
    ...activity,
    channelId: LOCAL_CHANNEL_ID,
    serviceUrl: LOCAL_SERVICE_URL,
    conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: claims.uid, name: activity.from?.name ?? '', role: 'user' },
    recipient: BOT_ACCOUNT,
    channelData: { ...(activity.channelData as Record<string, unknown> | undefined), municipality: claims.mun },
    timestamp: new Date(),
  });

  // --- The page and its assets -------------------------------------------------------------
  const root = repoRoot();
  const bundle = join(root, 'node_modules', 'botframework-webchat', 'dist', 'webchat.js');
  if (!existsSync(bundle)) logger.warn({ bundle }, 'botframework-webchat bundle not found; the web chat page will not work');

  server.get('/', async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown> | undefined;
    const requested = typeof query?.municipality === 'string' ? query.municipality : config.defaultMunicipality;
    const found = options.municipalities.get(requested);
    const language = pageLanguage(query?.lang);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss: https://directline.botframework.com wss://directline.botframework.com");
    if (!found) {
      res.status(404);
      res.end(
        renderPage({
          language,
          texts: options.texts,
          municipality: undefined,
          known: [...options.municipalities].map(([id, m]) => ({ id, name: m.name })),
        }),
      );
      return;
    }
    res.status(200);
    res.end(
      renderPage({
        language,
        texts: options.texts,
        municipality: { id: requested, name: found.name },
        known: [...options.municipalities].map(([id, m]) => ({ id, name: m.name })),
      }),
    );
  });
  server.get('/favicon.ico', async (_req: Request, res: Response) => {
    res.status(204);
    res.end();
  });
  server.get('/webchat/webchat.js', serveStatic(bundle, 'application/javascript; charset=utf-8'));
  // The page's own script and style change with a deploy: revalidated (ETag) on every load.
  server.get('/webchat/app.js', serveStatic(join(root, 'src', 'web', 'public', 'app.js'), 'application/javascript; charset=utf-8', 'no-cache'));
  server.get('/webchat/app.css', serveStatic(join(root, 'src', 'web', 'public', 'app.css'), 'text/css; charset=utf-8', 'no-cache'));

  // --- Session and Direct Line 3.0: routes of the route table (zod in and out, in the OpenAPI document) ---
  const publicWrites: RateLimit = { what: 'requests from this address', take: (req) => options.limits.publicWrite(req) };
  const directLineToken: Authenticator<TokenClaims> = {
    scheme: { name: 'directLineToken', definition: { type: 'http', scheme: 'bearer', description: 'a Direct Line token from POST /webchat/session (or /v3/directline/tokens/refresh)' } },
    statuses: [401, 403],
    async authenticate(req, input) {
      const check = (await getSigner()).verify(bearer(req));
      if (!check.ok) throw new RouteError(check.reason === 'missing' ? 401 : 403, 'TokenInvalid', `the Direct Line token is ${check.reason}`);
      const conversationId = conversationInput.safeParse(input).data?.params?.conversationId;
      if (conversationId !== undefined && check.claims.conv !== conversationId) throw new RouteError(403, 'Forbidden', 'the token is not valid for this conversation');
      return check.claims;
    },
  };
  const startedKey = (conversationId: string) => `webchat/started/${conversationId}`;
  const conversationReply = (req: Request, claims: TokenClaims) => {
    const token = bearer(req) ?? '';
    return { conversationId: claims.conv, token, expires_in: 1800, streamUrl: streamUrl(req, claims, token) };
  };
  const unavailable = (what: string) => ({ description: what });

  http.register([
    route({
      method: 'post',
      path: '/webchat/session',
      summary: 'A Direct Line token for a new conversation, or for the browser’s earlier one (resume)',
      tag: 'webchat',
      auth: open,
      rateLimit: publicWrites,
      input: { body: sessionRequest },
      responses: {
        200: { description: 'the token and where to use it', schema: sessionReply },
        404: { description: 'no such municipality' },
        503: unavailable('the chat cannot start right now'),
      },
      handler: async ({ body, req }) => {
        const municipality = body.municipality ?? config.defaultMunicipality;
        if (!options.municipalities.has(municipality)) {
          throw new RouteError(404, 'UnknownMunicipality', `no municipality "${municipality}"; known: ${[...options.municipalities.keys()].join(', ')}`);
        }
        try {
          if (config.webchat.directLineSecret) {
            // Azure Direct Line: exchange the secret for a conversation token; the secret never reaches the page.
            const userId = `u-${randomBytes(9).toString('base64url')}`;
            const response = await fetch(`${config.webchat.directLineDomain}/tokens/generate`, {
              method: 'POST',
              headers: { authorization: `Bearer ${config.webchat.directLineSecret}`, 'content-type': 'application/json' },
              body: JSON.stringify({ user: { id: userId } }),
            });
            if (!response.ok) throw new Error(`Direct Line answered ${response.status}`);
            const generated = azureToken.parse(await response.json());
            return { status: 200, body: { mode: 'azure', domain: config.webchat.directLineDomain, token: generated.token, conversationId: generated.conversationId, userId, municipality, resumed: false } };
          }
          const tokens = await getSigner();
          const previous = body.resume ? tokens.verify(body.resume, RESUME_GRACE_SECONDS) : undefined;
          const resumable = previous?.ok && previous.claims.mun === municipality ? previous.claims : undefined;
          const subject = resumable
            ? { conversationId: resumable.conv, userId: resumable.uid, municipality }
            : { conversationId: `lc-${randomBytes(12).toString('base64url')}`, userId: `u-${randomBytes(9).toString('base64url')}`, municipality };
          const { token, expiresIn } = tokens.issue({ ...subject, language: languageOfLocale(body.locale) });
          return {
            status: 200,
            body: {
              mode: 'local',
              domain: `${baseUrl(req, config)}/v3/directline`,
              token,
              expires_in: expiresIn,
              conversationId: subject.conversationId,
              userId: subject.userId,
              municipality,
              resumed: Boolean(resumable && (await transcripts.exists(subject.conversationId))),
            },
          };
        } catch (error) {
          logger.error({ err: error }, 'web chat session failed');
          throw new RouteError(503, 'Unavailable', 'the chat cannot start right now; try again in a moment');
        }
      },
    }),
    route({
      method: 'post',
      path: '/v3/directline/conversations',
      summary: 'Direct Line: start (201, and the welcome follows on the stream) or reopen (200) the token’s conversation',
      tag: 'webchat',
      auth: directLineToken,
      rateLimit: publicWrites,
      responses: {
        200: { description: 'the conversation had started before', schema: conversationSchema },
        201: { description: 'a new conversation', schema: conversationSchema },
        503: unavailable('the conversation cannot start right now'),
      },
      handler: async ({ who: claims, req }) => {
        let isNew: boolean;
        try {
          // One atomic create, not a read then a write: two starts at once (a double click, a
          // retry) must not both see "new" and welcome twice.
          isNew = await store.kv.createOnce(startedKey(claims.conv), { at: new Date().toISOString() });
        } catch (error) {
          logger.error({ err: error }, 'web chat conversation start failed');
          throw new RouteError(503, 'Unavailable', 'the conversation cannot start right now');
        }
        const welcome = async () => {
          const user: ChannelAccount = { id: claims.uid, name: '', role: 'user' };
          await options.runTurn(
            turnActivity(claims, {
              type: 'conversationUpdate',
              membersAdded: [BOT_ACCOUNT, user],
              // The welcome comes in the page's language.
              locale: claims.lang === 'en' ? 'en-US' : claims.lang === 'sv' ? 'sv-SE' : undefined,
            }),
          );
        };
        // The welcome is a turn of its own after the answer: it reaches the page on its stream.
        return { status: isNew ? 201 : 200, body: conversationReply(req, claims), after: isNew ? welcome : undefined };
      },
    }),
    route({
      method: 'get',
      path: '/v3/directline/conversations/:conversationId',
      summary: 'Direct Line: reconnect to the conversation (a new stream URL)',
      tag: 'webchat',
      auth: directLineToken,
      input: { params: conversationParams },
      responses: { 200: { description: 'the conversation', schema: conversationSchema } },
      handler: async ({ who: claims, req }) => ({ status: 200, body: conversationReply(req, claims) }),
    }),
    route({
      method: 'get',
      path: '/v3/directline/conversations/:conversationId/activities',
      summary: 'Direct Line: the conversation’s activities after a watermark (polling)',
      tag: 'webchat',
      auth: directLineToken,
      input: { params: conversationParams, query: watermarkQuery },
      responses: { 200: { description: 'the activities and the new watermark', schema: activitySetSchema }, 503: unavailable('the conversation cannot be read right now') },
      handler: async ({ who: claims, query }) => {
        try {
          return { status: 200, body: await transcripts.after(claims.conv, Number(query.watermark ?? 0) || 0) };
        } catch (error) {
          logger.error({ err: error }, 'web chat transcript read failed');
          throw new RouteError(503, 'Unavailable', 'the conversation cannot be read right now');
        }
      },
    }),
    route({
      method: 'post',
      path: '/v3/directline/conversations/:conversationId/activities',
      summary: 'Direct Line: send an activity (message, event, typing); the bot’s replies come on the stream',
      tag: 'webchat',
      auth: directLineToken,
      rateLimit: publicWrites,
      input: { params: conversationParams, body: postedActivity },
      responses: {
        200: { description: 'the id the activity was stored under', schema: z.object({ id: z.string() }) },
        502: { description: 'the bot could not take the message; send it again' },
      },
      handler: async ({ who: claims, body }) => {
        const byConversation = await options.limits.conversation(`${LOCAL_CHANNEL_ID}:${claims.conv}`);
        if (byConversation) {
          throw tooManyRequests(byConversation, 'messages in this conversation');
        }
        const activity = turnActivity(claims, body as Partial<Activity>);
        if (activity.type === 'typing') return { status: 200, body: { id: '' } };
        try {
          // The user's own activity is part of the transcript (Web Chat shows it as sent when it comes back),
          // except a crisis text: it is kept nowhere, so the transcript holds a placeholder instead.
          const crisis = typeof activity.text === 'string' && options.isCrisis?.(activity.text) === true;
          const kept = crisis ? { ...activity, text: '…', value: undefined } : maskedUserActivity(activity);
          const { activity: stored, ordinal } = await transcripts.append(claims.conv, kept);
          streams.push(claims.conv, { activities: [stored], watermark: String(ordinal) }, ordinal);
          await options.runTurn({ ...activity, id: stored.id });
          return { status: 200, body: { id: stored.id } };
        } catch (error) {
          logger.error({ err: error, conversationId: claims.conv }, 'web chat activity failed');
          throw new RouteError(502, 'BotError', 'the bot could not take the message; please send it again');
        }
      },
    }),
    route({
      method: 'post',
      path: '/v3/directline/tokens/refresh',
      summary: 'Direct Line: a fresh token for the same conversation',
      tag: 'webchat',
      auth: directLineToken,
      rateLimit: publicWrites,
      responses: { 200: { description: 'the new token', schema: z.object({ conversationId: z.string(), token: z.string(), expires_in: z.number().int() }) } },
      handler: async ({ who: claims }) => {
        const { token, expiresIn } = (await getSigner()).issue({ conversationId: claims.conv, userId: claims.uid, municipality: claims.mun, language: claims.lang });
        return { status: 200, body: { conversationId: claims.conv, token, expires_in: expiresIn } };
      },
    }),
  ]);

  // WebSocket streams: /v3/directline/conversations/:id/stream?t=TOKEN&watermark=N
  server.server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/.exec(url.pathname);
    if (!match?.[1]) {
      socket.destroy();
      return;
    }
    const conversationId = decodeURIComponent(match[1]);
    getSigner().then(
      (tokens) => {
        const check = tokens.verify(url.searchParams.get('t') ?? undefined);
        if (!check.ok || check.claims.conv !== conversationId) {
          socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
          return;
        }
        const watermark = Number(url.searchParams.get('watermark') ?? 0) || 0;
        streams.accept(request, socket, head, conversationId, watermark, (after) => transcripts.after(conversationId, after));
      },
      () => socket.destroy(),
    );
  });

  return {
    openStreams: (conversationId) => streams.openStreams(conversationId),
    close: () => streams.close(),
  };
}
