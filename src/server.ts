import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from './log';
import { checkInboundActivity } from './bot/inboundActivity';
import { isLocalServiceUrl } from './bot/localChannel';
import { sendTooMany, type RateLimits } from './rateLimits';
import { z } from 'zod';
import { open, registerRoutes, route, type RegisterOptions, type Route } from './web/routes/table';

export interface HealthStatus {
  status: 'ok' | 'degraded';
  version: string;
  store: { kind: string; ok: boolean; detail?: string };
  packs: string[];
  auth: 'on' | 'off';
  models: ModelHealth;
}

/**
 * The classifiers (routers, taggers, theme layer, intents): a start trains those missing from the
 * model cache before it listens, so `ready` is true whenever /healthz answers; cached models are
 * read after it listens (or by the first question that needs one) and `toLoad` counts those left.
 */
export interface ModelHealth {
  ready: boolean;
  /** Models trained by this start (not in the model cache). */
  trained: number;
  /** Models found in the model cache. */
  cached: number;
  /** Cached models not read yet. */
  toLoad: number;
  /** The taggers are being retrained from staff re-tags (the models so far answer meanwhile). */
  retraining: boolean;
}

export interface ServerDeps {
  logger: Logger;
  /** Runs a Bot Framework request through the adapter (CloudAdapter.process). */
  processBotRequest(req: Request, res: Response): Promise<void>;
  health(): Promise<HealthStatus>;
  limits: RateLimits;
  /** False without MicrosoftAppId: then activities may only name a loopback or the built-in web chat serviceUrl. */
  authEnabled: boolean;
  /** Check every JSON answer of the route table against its declared schema (tests). */
  checkResponses?: boolean;
}

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  store: z.object({ kind: z.string(), ok: z.boolean(), detail: z.string().optional() }),
  packs: z.array(z.string()),
  auth: z.enum(['on', 'off']),
  models: z.object({
    ready: z.boolean(),
    trained: z.number().int(),
    cached: z.number().int(),
    toLoad: z.number().int(),
    retraining: z.boolean(),
  }),
});

/** GET /healthz: answered from the store breaker's last known state, never waiting on the store. */
export function healthRoute(health: () => Promise<HealthStatus>): Route {
  return route({
    method: 'get',
    path: '/healthz',
    summary: 'Health: store, packs, version',
    tag: 'health',
    auth: open,
    responses: { 200: { description: 'healthy', schema: healthSchema }, 503: { description: 'the store is unavailable', schema: healthSchema } },
    handler: async () => {
      const status = await health();
      return { status: status.status === 'ok' ? 200 : 503, body: status };
    },
  });
}

/**
 * With authentication off anyone may POST an activity, and the adapter posts its replies to the
 * activity's serviceUrl: only a loopback address (the Emulator) or the built-in web chat's own
 * channel is allowed, so the bot cannot be made to send requests to other hosts (SSRF).
 */
export function allowedWithoutAuth(serviceUrl: string): boolean {
  if (isLocalServiceUrl(serviceUrl)) return true;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A restify server with in-flight tracking, so shutdown can wait for turns to finish. */
export interface HttpServer {
  server: Server;
  /** Every route registered from a route table (the OpenAPI document is generated from them). */
  routes: Route[];
  register(routes: readonly Route[], mapError?: RegisterOptions['mapError']): void;
  inFlight(): number;
  /** Stops taking requests and waits (up to timeoutMs) for requests in flight to finish. */
  drain(timeoutMs: number): Promise<void>;
}

export function sendError(res: Response, status: number, code: string, message: string, details?: string[]): void {
  res.status(status);
  res.json({ error: { code, message, ...(details ? { details } : {}) } });
}

/** Seconds a client should wait before retrying a request refused during shutdown. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

function shuttingDown(res: Response): void {
  res.header('Connection', 'close');
  res.header('Retry-After', String(SHUTDOWN_RETRY_AFTER_SECONDS));
  sendError(res, 503, 'ShuttingDown', 'the server is shutting down; try again shortly');
}

/**
 * How long an idle keep-alive connection stays open (Node's default is 5 s). Node counts it from the
 * end of the last response and checks it before it reads what arrived meanwhile: while the event
 * loop was busy for longer than that (a few hundred focus-group participants answering at once),
 * the next message a client had already sent on the connection was answered with a reset
 * (ECONNRESET). Also longer than the 60 s idle timeout usual for the proxies in front.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createHttpServer(deps: ServerDeps): HttpServer {
  const server = restify.createServer({ name: 'foretagslotsen', handleUncaughtExceptions: false });
  server.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // A request's headers may take as long (Node wants this above the keep-alive timeout).
  server.server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  let inFlight = 0;
  let draining = false;
  const idle: Array<() => void> = [];

  /** Responses not yet sent: on shutdown, those still open when the timeout ends get a 503. */
  const open = new Set<Response>();
  server.pre((req, res, next) => {
    if (draining) {
      shuttingDown(res);
      next(false); return;
    }
    inFlight += 1;
    open.add(res);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
      open.delete(res);
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 256 * 1024, rejectUnknown: false }));

  // Errors from restify itself (bad JSON, body too large, 404, 405) answer in the same JSON shape.
  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number; body?: unknown; toJSON?: () => unknown }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    const message =
      status === 400 && /JSON/i.test(err.message)
        ? `the request body is not valid JSON: ${err.message}`
        : err.message || 'request failed';
    deps.logger.warn({ status, path: req.path(), reqId: req.id() }, 'request rejected');
    err.toJSON = () => ({ error: { code: err.name.replace(/Error$/, '') || 'Error', message } });
    callback();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const byIp = await deps.limits.publicWrite(req);
    if (byIp) { sendTooMany(res, byIp, 'requests from this address'); return; }
    const check = checkInboundActivity(req.body);
    if (!check.ok) {
      deps.logger.warn({ reqId: req.id(), problems: check.problems }, 'malformed activity');
      sendError(res, 400, 'BadActivity', 'the request is not a valid Bot Framework activity', check.problems);
      return;
    }
    const { channelId, conversation, serviceUrl } = check.activity;
    if (!deps.authEnabled && !allowedWithoutAuth(serviceUrl)) {
      deps.logger.warn({ reqId: req.id(), serviceUrl }, 'activity with a non-local serviceUrl refused (authentication is off)');
      sendError(res, 403, 'ServiceUrlNotAllowed', 'with authentication off, the serviceUrl must be a loopback address (http://localhost:…, http://127.0.0.1:…)');
      return;
    }
    const byConversation = await deps.limits.conversation(`${channelId}:${conversation.id}`);
    if (byConversation) { sendTooMany(res, byConversation, 'messages in this conversation'); return; }
    try {
      await deps.processBotRequest(req, res);
    } catch (error) {
      deps.logger.error({ err: error, reqId: req.id() }, 'activity processing failed');
      if (!res.headersSent) sendError(res, 500, 'InternalError', 'the bot could not process the activity');
    }
  });

  const routes: Route[] = [];
  const register = (table: readonly Route[], mapError?: RegisterOptions['mapError']) => {
    routes.push(...table);
    registerRoutes(server, table, {
      checkResponses: deps.checkResponses,
      mapError,
      onError: (error, failed, req) => deps.logger.error({ err: error, path: req.path(), route: failed.path }, 'request failed'),
    });
  };
  register([healthRoute(() => deps.health())]);

  return {
    server,
    routes,
    register,
    inFlight: () => inFlight,
    drain: (timeoutMs) => {
      draining = true;
      server.server.closeIdleConnections?.();
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          // Requests received but not answered in time get a 503 with Retry-After, not a reset
          // when the sockets close; wait (briefly) until those answers are on their way.
          const answered = [...open].filter((res) => !res.headersSent);
          for (const res of answered) shuttingDown(res);
          const flushed = answered.map((res) => new Promise<void>((done) => (res.writableFinished ? done() : res.once('finish', () => done()))));
          void Promise.race([Promise.all(flushed), new Promise((done) => setTimeout(done, 1000))]).then(() => resolve());
        }, timeoutMs);
        idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
