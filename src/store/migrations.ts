/**
 * Moves documents stored in an older layout to where the repositories keep them now. Run at every
 * start (src/app.ts), before the first request: it is idempotent, and when there is nothing left
 * to move it costs three empty queries.
 *
 * Layout 1 kept staff members in one fixed partition (`staff`), Open311 API keys in another
 * (`apiKeys`), focus-group sessions in a third (`sessions`), and each session's participations and answers in a partition named by the session
 * id. Now all of them are in the municipality's partition (a staff member who serves several: `*`,
 * see staffPartition), with lookups for the keys that name no municipality (repositories.ts).
 */
import { focusSessionSchema, staffMemberSchema } from './schemas';
import { apiKeySchema, type ApiKeyRepository } from '../domain/staff/apiKeys';
import { participationId, type DocumentBackend } from './documents';
import type { StoreLog } from './repositories';
import type { StaffRepository } from '../domain/staff/types';
import type { FocusGroupRepository } from '../domain/focusGroups/service';

export interface LayoutMoved {
  staff: number;
  sessions: number;
  participations: number;
  answers: number;
  apiKeys: number;
}

export async function moveToMunicipalityPartitions(
  backend: DocumentBackend,
  repositories: { staff: StaffRepository; focusGroups: FocusGroupRepository; apiKeys: ApiKeyRepository },
  log: StoreLog,
): Promise<LayoutMoved> {
  const moved: LayoutMoved = { staff: 0, sessions: 0, participations: 0, answers: 0, apiKeys: 0 };
  const left = (collection: string, id: string, fields: string) =>
    log.warn({ collection, id, fields }, `stored ${collection} document "${id}" (old layout) does not fit its schema and was left where it is`);

  const staff = backend.collection('staff');
  for (const stored of await staff.query('staff')) {
    const parsed = staffMemberSchema.safeParse(stored.doc);
    if (!parsed.success) {
      left('staff', stored.id, parsed.error.issues.map((i) => i.path.join('.')).join(','));
      continue;
    }
    await repositories.staff.put(parsed.data);
    await staff.delete('staff', stored.id);
    moved.staff += 1;
  }

  const apiKeys = backend.collection('apiKeys');
  for (const stored of await apiKeys.query('apiKeys')) {
    const parsed = apiKeySchema.safeParse(stored.doc);
    if (!parsed.success) {
      left('apiKeys', stored.id, parsed.error.issues.map((i) => i.path.join('.')).join(','));
      continue;
    }
    await repositories.apiKeys.put(parsed.data);
    await apiKeys.delete('apiKeys', stored.id);
    moved.apiKeys += 1;
  }

  const sessions = backend.collection('focusGroups');
  const answers = backend.collection('answers');
  for (const stored of await sessions.query('sessions')) {
    const parsed = focusSessionSchema.safeParse(stored.doc);
    if (!parsed.success) {
      left('focusGroups', stored.id, parsed.error.issues.map((i) => i.path.join('.')).join(','));
      continue;
    }
    const session = parsed.data;
    // Creating again (a move cut short) keeps the stored session and only writes its lookups.
    await repositories.focusGroups.createSession(session);
    // Participations and answers move as they are (one that does not fit is still left out of
    // lists with a warning, as anywhere else); each keeps its id, so a move cut short and run again
    // writes it once.
    const participations = backend.collection('participations');
    for (const old of await sessions.query(session.id)) {
      await participations.upsert(session.municipality, participationId(session.id, old.id), { ...old.doc });
      await sessions.delete(session.id, old.id);
      moved.participations += 1;
    }
    for (const old of await answers.query(session.id)) {
      await answers.upsert(session.municipality, old.id, { ...old.doc, sessionId: session.id });
      await answers.delete(session.id, old.id);
      moved.answers += 1;
    }
    await sessions.delete('sessions', session.id);
    moved.sessions += 1;
  }
  return moved;
}
