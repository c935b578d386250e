import { createHash } from 'node:crypto';
import type { Request, Response } from 'restify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Rate limits of the public writes and of staff sign-in, in memory (per process), with
 * rate-limiter-flexible. A request over a limit gets 429 with Retry-After before any work is done.
 *   - publicWrites: per client IP, every public write (POST /api/messages, the web chat's session,
 *     Direct Line conversations, activities and token refresh, Open311 POST);
 *   - conversation: per conversation, activities posted to it (either endpoint);
 *   - staff sign-in: failed staff-token authentications per client IP and per presented token.
 */
export interface RateLimitSettings {
  /** Public writes per client IP per minute. */
  readonly ipPerMinute: number;
  /** Activities per conversation per minute. */
  readonly conversationPerMinute: number;
  /** Failed staff-token authentications per client IP and per token, per `staffAuthWindowSeconds`. */
  readonly staffAuthFailures: number;
  readonly staffAuthWindowSeconds: number;
  /** Take the client IP from X-Forwarded-For (behind App Service or Front Door). */
  readonly trustProxy: boolean;
}

/** Over the limit: how long to wait. */
export interface Limited {
  retryAfterSeconds: number;
}

export interface RateLimits {
  readonly settings: RateLimitSettings;
  /** Counts one public write from the request's client IP; undefined when allowed. */
  publicWrite(req: Request): Promise<Limited | undefined>;
  /** Counts one activity posted to a conversation (`channel:conversation`); undefined when allowed. */
  conversation(key: string): Promise<Limited | undefined>;
  /** Whether staff sign-in from this IP or with this token is blocked after too many failures. */
  staffAuthBlocked(req: Request, token: string): Promise<Limited | undefined>;
  /** Counts one failed staff sign-in for this IP and this token. */
  staffAuthFailed(req: Request, token: string): Promise<void>;
  clientIp(req: Request): string;
}

const retryAfter = (ms: number): Limited => ({ retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

async function take(limiter: RateLimiterMemory, key: string): Promise<Limited | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return retryAfter(rejection.msBeforeNext);
    throw rejection;
  }
}

async function blocked(limiter: RateLimiterMemory, key: string): Promise<Limited | undefined> {
  const state = await limiter.get(key);
  return state && state.consumedPoints >= limiter.points ? retryAfter(state.msBeforeNext) : undefined;
}

/** The token itself is never a key: a short hash of it is. */
const tokenKey = (token: string): string => createHash('sha256').update(token).digest('base64url').slice(0, 22);

export function createRateLimits(settings: RateLimitSettings): RateLimits {
  const ip = new RateLimiterMemory({ keyPrefix: 'ip', points: settings.ipPerMinute, duration: 60 });
  const conversation = new RateLimiterMemory({ keyPrefix: 'conv', points: settings.conversationPerMinute, duration: 60 });
  const authIp = new RateLimiterMemory({ keyPrefix: 'auth-ip', points: settings.staffAuthFailures, duration: settings.staffAuthWindowSeconds });
  const authToken = new RateLimiterMemory({ keyPrefix: 'auth-token', points: settings.staffAuthFailures, duration: settings.staffAuthWindowSeconds });

  const clientIp = (req: Request): string => {
    if (settings.trustProxy) {
      const forwarded = req.header('x-forwarded-for')?.split(',')[0]?.trim();
      // App Service adds the client port to IPv4 addresses (1.2.3.4:5678).
      if (forwarded) return /^\d+\.\d+\.\d+\.\d+:\d+$/.test(forwarded) ? forwarded.replace(/:\d+$/, '') : forwarded;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };

  return {
    settings,
    clientIp,
    publicWrite: (req) => take(ip, clientIp(req)),
    conversation: (key) => take(conversation, key),
    staffAuthBlocked: async (req, token) => (await blocked(authIp, clientIp(req))) ?? (await blocked(authToken, tokenKey(token))),
    staffAuthFailed: async (req, token) => {
      await Promise.all([take(authIp, clientIp(req)), take(authToken, tokenKey(token))]);
    },
  };
}

/** Answers 429 with Retry-After in the project's JSON error shape. */
export function sendTooMany(res: Response, limited: Limited, what: string): void {
  res.header('Retry-After', String(limited.retryAfterSeconds));
  res.status(429);
  res.json({ error: { code: 'TooManyRequests', message: `too many ${what}; try again in ${limited.retryAfterSeconds} s` } });
}
