import type { ConversationAddress } from '../ports';

export const staffRoles = ['admin', 'handler', 'viewer'] as const;
export type StaffRole = (typeof staffRoles)[number];

/**
 * A staff member who may see and act on items. Signs in to the dashboard with an API token (only
 * its hash is stored) and acts on Teams cards as their Microsoft Entra object id.
 */
export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
  /** Pack ids this member may see; ['*'] for all. */
  municipalities: string[];
  /** Teams of those packs this member belongs to (for the inbox default); empty = all. */
  teams: string[];
  /** Microsoft Entra object id (Teams `from.aadObjectId`). */
  aadObjectId?: string;
  /** sha256 of the API token, hex. */
  tokenHash?: string;
  createdAt: string;
  disabled?: boolean;
}

export interface StaffRepository {
  put(member: StaffMember): Promise<void>;
  get(id: string): Promise<StaffMember | undefined>;
  byTokenHash(hash: string): Promise<StaffMember | undefined>;
  byAadObjectId(objectId: string): Promise<StaffMember | undefined>;
  list(): Promise<StaffMember[]>;
}

/** A Teams channel (or chat) registered to receive a team's new items. */
export interface TeamChannel {
  municipality: string;
  team: string;
  address: ConversationAddress;
  registeredBy: string;
  registeredAt: string;
}

export interface TeamChannelRepository {
  put(channel: TeamChannel): Promise<void>;
  get(municipality: string, team: string): Promise<TeamChannel | undefined>;
  list(municipality: string): Promise<TeamChannel[]>;
  /**
   * Claims a municipality's daily team digest for `day` (YYYY-MM-DD) atomically: true for the one
   * caller that claimed it first, false for every later one (another instance, a second timer tick).
   */
  claimDailyDigest(municipality: string, day: string, at: string): Promise<boolean>;
}

export function canSee(member: StaffMember, municipality: string): boolean {
  return !member.disabled && (member.municipalities.includes('*') || member.municipalities.includes(municipality));
}

export function canAct(member: StaffMember, municipality: string): boolean {
  return canSee(member, municipality) && member.role !== 'viewer';
}
