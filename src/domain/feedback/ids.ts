import { createHash } from 'node:crypto';

/** A stable id for an idempotency key (hex; no characters that Cosmos DB forbids in ids). */
export function idFor(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
