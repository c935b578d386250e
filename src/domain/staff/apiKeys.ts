import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Open311 GeoReport v2 API keys: one or more per municipality (jurisdiction), for the systems that
 * POST service requests. Only the key's sha256 is stored; the key is shown once when it is made.
 */
export const apiKeySchema = z.object({
  id: z.string().min(1),
  municipality: z.string().min(1),
  name: z.string().min(1),
  /** sha256 of the key, hex. */
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export interface ApiKeyRepository {
  put(key: ApiKey): Promise<void>;
  get(id: string): Promise<ApiKey | undefined>;
  byHash(hash: string): Promise<ApiKey | undefined>;
  /** Every key, newest first (revoked ones too). */
  list(): Promise<ApiKey[]>;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key (shown once) and its record. */
export function createApiKey(municipality: string, name: string, now: Date): { key: string; record: ApiKey } {
  const key = `o311_${randomBytes(24).toString('base64url')}`;
  return {
    key,
    record: { id: `ak-${randomBytes(6).toString('hex')}`, municipality, name, keyHash: hashApiKey(key), createdAt: now.toISOString() },
  };
}

/** The key's record when it is valid for this jurisdiction, else why not. */
export async function checkApiKey(
  repo: ApiKeyRepository,
  key: string | undefined,
  municipality: string,
): Promise<{ ok: true; key: ApiKey } | { ok: false; reason: 'missing' | 'invalid' | 'other-jurisdiction' }> {
  if (!key) return { ok: false, reason: 'missing' };
  const found = await repo.byHash(hashApiKey(key));
  if (!found || found.revokedAt) return { ok: false, reason: 'invalid' };
  if (found.municipality !== municipality) return { ok: false, reason: 'other-jurisdiction' };
  return { ok: true, key: found };
}
