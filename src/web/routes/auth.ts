/**
 * Who may call a route. Web staff sign in with a bearer staff token, which the shared staff-actor
 * rule (`resolveActor`, src/domain/staff/actor.ts: the same rule as the Teams cards and commands)
 * turns into a member; failed sign-ins are rate limited here.
 */
import type { Request } from 'restify';
import { z } from 'zod';
import type { RateLimits } from '../../rateLimits';
import type { StaffMember } from '../../domain/staff/types';
import type { ResolveActor } from '../../domain/staff/actor';
import { checkApiKey, type ApiKeyRepository } from '../../domain/staff/apiKeys';
import { RouteError, tooManyRequests, type Authenticator } from './table';

export interface StaffAuthDeps {
  actors: ResolveActor;
  limits: Pick<RateLimits, 'staffAuthBlocked' | 'staffAuthFailed'>;
}

/** The staff member a request is signed in as (`Authorization: Bearer <staff token>`); throws 401/429. */
export async function authenticateStaff(req: Request, deps: StaffAuthDeps): Promise<StaffMember> {
  const header = req.header('authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const challenge = { 'WWW-Authenticate': 'Bearer realm="foretagslotsen-staff"' };
  if (!token) throw new RouteError(401, 'Unauthorized', 'sign in with a staff token (Authorization: Bearer …)', undefined, challenge);
  // Guessing tokens: after too many failures from one address or with one token, sign-in waits.
  const blocked = await deps.limits.staffAuthBlocked(req, token);
  if (blocked) {
    throw tooManyRequests(blocked, 'failed sign-ins');
  }
  // Who the token belongs to; each route then checks the municipality it touches (canSee / canAct).
  const resolved = await deps.actors({ kind: 'token', token });
  if (!resolved.ok) {
    await deps.limits.staffAuthFailed(req, token);
    throw new RouteError(401, 'Unauthorized', 'the staff token is not valid', undefined, challenge);
  }
  return resolved.member;
}

export function staffAuth(deps: StaffAuthDeps): Authenticator<StaffMember> {
  return {
    scheme: { name: 'staffToken', definition: { type: 'http', scheme: 'bearer', description: 'a staff token from `npm run staff -- add` (stored hashed)' } },
    statuses: [401, 403, 429],
    authenticate: (req) => authenticateStaff(req, deps),
  };
}

const keyFields = z.object({ jurisdiction_id: z.string().optional(), api_key: z.string().optional() });
const keyInput = z.object({ body: keyFields.optional() });
const keyQuery = keyFields.catch({});

/**
 * Open311 GeoReport v2 `api_key` of the request's jurisdiction (form field, JSON field or query
 * parameter): 401 without one, 403 with a wrong, revoked or another jurisdiction's key. The
 * jurisdiction is checked first (404 for an unknown one).
 */
export function open311ApiKey(deps: { apiKeys: ApiKeyRepository; jurisdictions: () => string[] }): Authenticator<{ jurisdiction: string }> {
  return {
    scheme: { name: 'open311ApiKey', definition: { type: 'apiKey', in: 'query', name: 'api_key', description: 'GeoReport v2 api_key of the jurisdiction (also accepted as a form field)' } },
    statuses: [401, 403, 404],
    async authenticate(req, input) {
      const body = keyInput.safeParse(input).data?.body;
      const query = keyQuery.safeParse(req.query).data ?? {};
      const jurisdiction = body?.jurisdiction_id ?? query.jurisdiction_id ?? '';
      const known = deps.jurisdictions();
      if (!known.includes(jurisdiction)) throw new RouteError(404, 'NotFound', `jurisdiction_id must be one of: ${known.join(', ')}`);
      const key = body?.api_key ?? query.api_key;
      const check = await checkApiKey(deps.apiKeys, key, jurisdiction);
      if (!check.ok) {
        throw check.reason === 'missing'
          ? new RouteError(401, 'Unauthorized', 'api_key is required to post a service request')
          : new RouteError(403, 'Forbidden', `api_key is not valid for jurisdiction ${jurisdiction}`);
      }
      return { jurisdiction };
    },
  };
}
