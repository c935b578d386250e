import type { Store } from '../../src/store/types';
import type { StaffMember, StaffRole } from '../../src/domain/staff/types';
import { createStaffToken } from '../../src/domain/staff/tokens';

/** Adds a staff member straight to the store and returns it with its dashboard token. */
export async function addStaff(
  store: Store,
  over: { name?: string; role?: StaffRole; municipalities?: string[]; aadObjectId?: string } = {},
): Promise<{ member: StaffMember; token: string }> {
  const { token, hash } = createStaffToken();
  const member: StaffMember = {
    id: `staff-${Math.random().toString(36).slice(2, 8)}`,
    name: over.name ?? 'Sara Lind',
    role: over.role ?? 'handler',
    municipalities: over.municipalities ?? ['mora'],
    teams: [],
    aadObjectId: over.aadObjectId,
    tokenHash: hash,
    createdAt: new Date().toISOString(),
  };
  await store.staff.put(member);
  return { member, token };
}
