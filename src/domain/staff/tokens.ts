import { createHash, randomBytes } from 'node:crypto';

/** A new staff API token (shown once) and the hash that is stored. */
export function createStaffToken(): { token: string; hash: string } {
  const token = `fls_${randomBytes(24).toString('base64url')}`;
  return { token, hash: hashStaffToken(token) };
}

export function hashStaffToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
