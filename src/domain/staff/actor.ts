/**
 * Who may act as staff: one rule for every staff surface (Teams cards and commands, focus-group
 * commands, the staff web API). A surface says what it knows about the caller (a verified Microsoft
 * Entra object id in a Teams turn, or a staff API token) and, where it matters, the municipality and
 * what the caller wants to do there; the answer is the staff member, or why not.
 *
 * The rule:
 * 1. The caller is a configured staff member: by Entra object id, or by the hash of their token.
 * 2. Otherwise, with STAFF_TEAM_MEMBERS on, a member of a Teams team whose channel is registered
 *    for the municipality acts as a handler of that municipality (Teams shows the team's cards only
 *    to its members).
 * 3. A disabled member is refused; a member sees only their municipalities, and a viewer only sees.
 */
import { hashStaffToken } from './tokens';
import { canAct, canSee, type StaffMember, type StaffRepository, type TeamChannelRepository } from './types';

/** What a surface knows about who is asking. */
export type ActorIdentity =
  /** A Teams (Bot Framework) turn: the object id only when the channel proved it; the team the turn came from. */
  | { kind: 'entra'; aadObjectId: string | undefined; name?: string; teamId?: string }
  /** The staff web API: the bearer token as sent. */
  | { kind: 'token'; token: string | undefined };

export type ActorRefusal =
  /** Nothing to identify the caller by (no token, or an object id the channel did not prove). */
  | 'unidentified'
  /** Not a staff member (nor a trusted team member). */
  | 'unknown'
  | 'disabled'
  /** Not given this municipality. */
  | 'no-access'
  /** A viewer asked to act. */
  | 'read-only';

export type ActorResolution = { ok: true; member: StaffMember } | { ok: false; reason: ActorRefusal };

/** Where in the municipality the caller wants to be, and whether to see or to act. */
export interface ActorScope {
  municipality: string;
  need: 'see' | 'act';
}

export interface ActorDirectory {
  staff: Pick<StaffRepository, 'byAadObjectId' | 'byTokenHash'>;
  channels: Pick<TeamChannelRepository, 'list'>;
  /** STAFF_TEAM_MEMBERS: members of a registered team channel act as handlers. */
  trustTeamMembers: boolean;
  now(): Date;
}

export type ResolveActor = (identity: ActorIdentity, scope?: ActorScope) => Promise<ActorResolution>;

export function createActorResolver(directory: ActorDirectory): ResolveActor {
  return (identity, scope) => resolveActor(directory, identity, scope);
}

async function registeredTeam(directory: ActorDirectory, municipality: string, teamId: string): Promise<boolean> {
  const channels = await directory.channels.list(municipality);
  return channels.some((channel) => channel.address.teamId === teamId);
}

async function identify(directory: ActorDirectory, identity: ActorIdentity, scope: ActorScope | undefined): Promise<StaffMember | ActorRefusal> {
  if (identity.kind === 'token') {
    if (!identity.token) return 'unidentified';
    return (await directory.staff.byTokenHash(hashStaffToken(identity.token))) ?? 'unknown';
  }
  if (!identity.aadObjectId) return 'unidentified';
  const member = await directory.staff.byAadObjectId(identity.aadObjectId);
  if (member) return member;
  if (!directory.trustTeamMembers || !identity.teamId || !scope) return 'unknown';
  if (!(await registeredTeam(directory, scope.municipality, identity.teamId))) return 'unknown';
  return {
    id: `teams:${identity.aadObjectId}`,
    name: identity.name || identity.aadObjectId,
    role: 'handler',
    municipalities: [scope.municipality],
    teams: [],
    aadObjectId: identity.aadObjectId,
    createdAt: directory.now().toISOString(),
  };
}

/** The one rule (see the top of this file). Without a scope, only who the caller is (and not disabled). */
export async function resolveActor(directory: ActorDirectory, identity: ActorIdentity, scope?: ActorScope): Promise<ActorResolution> {
  const found = await identify(directory, identity, scope);
  if (typeof found === 'string') return { ok: false, reason: found };
  if (found.disabled) return { ok: false, reason: 'disabled' };
  if (!scope) return { ok: true, member: found };
  if (!canSee(found, scope.municipality)) return { ok: false, reason: 'no-access' };
  if (scope.need === 'act' && !canAct(found, scope.municipality)) return { ok: false, reason: 'read-only' };
  return { ok: true, member: found };
}
