import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../domain/ports';

/**
 * Tokens of the built-in Direct Line endpoint: compact JWTs (HS256) signed with the web chat
 * secret. A token names one conversation, one user and the conversation's municipality, so a
 * request can neither read another conversation nor speak as someone else.
 */

/** Lifetime of a token, as Azure Direct Line (30 minutes; Direct Line clients refresh every 15). */
export const TOKEN_LIFETIME_SECONDS = 30 * 60;
/**
 * How long after expiry a token still proves that a browser owns its conversation (to resume it):
 * one refresh interval, so a page that was asleep over a refresh can go on, and no longer.
 */
export const RESUME_GRACE_SECONDS = 15 * 60;

const claimsSchema = z.object({
  /** Conversation id. */
  conv: z.string().min(1),
  /** User id: the server sets `from.id` of every activity posted with the token to this. */
  uid: z.string().min(1),
  /** Municipality pack id of the conversation. */
  mun: z.string().min(1),
  /** Language of the page that started the conversation (its welcome comes in it). */
  lang: z.enum(['sv', 'en']).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.literal('foretagslotsen-webchat'),
  /** Unique per token, so two tokens issued in the same second differ. */
  jti: z.string().optional(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired'; claims?: TokenClaims };

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export class TokenSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (secret.length < 32) throw new Error('the web chat token secret needs at least 32 bytes');
  }

  issue(subject: { conversationId: string; userId: string; municipality: string; language?: 'sv' | 'en' }): {
    token: string;
    expiresIn: number;
  } {
    const iat = Math.floor(this.now().getTime() / 1000);
    const claims: TokenClaims = {
      conv: subject.conversationId,
      uid: subject.userId,
      mun: subject.municipality,
      ...(subject.language ? { lang: subject.language } : {}),
      iat,
      exp: iat + TOKEN_LIFETIME_SECONDS,
      iss: 'foretagslotsen-webchat',
      jti: randomBytes(8).toString('base64url'),
    };
    const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return { token: `${body}.${this.sign(body)}`, expiresIn: TOKEN_LIFETIME_SECONDS };
  }

  /** Checks signature and expiry; `graceSeconds` accepts a token that expired at most that long ago. */
  verify(token: string | undefined, graceSeconds = 0): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const parsed = claimsSchema.safeParse(decoded);
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (parsed.data.exp + graceSeconds <= nowSeconds) return { ok: false, reason: 'expired', claims: parsed.data };
    return { ok: true, claims: parsed.data };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}

/** Where earlier versions kept a generated secret in plain text; removed when found. */
const LEGACY_SECRET_KEY = 'webchat/token-secret';

/**
 * The signing secret: WEBCHAT_TOKEN_SECRET when configured (required with an app id), otherwise a
 * random one that lives in this process's memory only — never in the store — so tokens of a local
 * run do not survive a restart. A plain-text secret an earlier version stored is deleted.
 */
export async function loadTokenSecret(configured: string | undefined, kv: KeyValueStore): Promise<Buffer> {
  const legacy = (await kv.read([LEGACY_SECRET_KEY]))[LEGACY_SECRET_KEY];
  if (legacy !== undefined) await kv.delete([LEGACY_SECRET_KEY]);
  if (configured) return Buffer.from(configured, 'utf8');
  return randomBytes(32);
}
