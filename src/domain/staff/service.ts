/**
 * What staff do with feedback and contact requests: take them, re-tag, change status, answer the
 * submitter, mark duplicates, follow up per focus area, and erase contact details after the
 * retention period. Every change is one eTag-checked update with its history entry (who, what,
 * when), then one domain event on the item pipeline (feedback/events.ts): the team's card and the
 * submitter's message (in their language) follow from it there. New items come assigned to a team
 * (routing.ts assignmentFor, in the item's first write).
 */
import type { DataSet, Pack } from '../packs/loader';
import type { Language } from '../packs/schema';
import type { ConversationAddress, GuideEventRepository } from '../ports';
import type { Texts } from '../texts';
import { maskPersonalData } from '../privacy/mask';
import { withoutContactDetails } from '../guide/contactRequest';
import type {
  ContactRequest,
  ContactRequestRepository,
  ContactRequestStatus,
  FeedbackItem,
  FeedbackRepository,
  FeedbackStatus,
} from '../feedback/types';
import type { EventPublisher } from '../events/queue';
import type { ItemChange, ItemEvent } from '../feedback/events';
import { dueDate, isOverdue } from './routing';
import { canAct, type StaffMember, type TeamChannelRepository } from './types';
import { createStaffInbox, type InboxPage, type StaffInboxFilter } from './inbox';
import { createStaffReport, type FollowUpPeriod, type FollowUpQueries, type FollowUpReport } from './report';

export class StaffAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaffAccessError';
  }
}

export class StaffInputError extends Error {
  constructor(
    message: string,
    /** The same, as a text staff read in their language (data/texts, staff.json). */
    readonly text?: { key: string; vars: Record<string, string> },
  ) {
    super(message);
    this.name = 'StaffInputError';
  }
}

export type TriageAction =
  | { type: 'take' }
  | { type: 'retag'; focusArea?: string; topic?: string }
  | { type: 'status'; status: FeedbackStatus; outcome?: string }
  | { type: 'answer'; text: string }
  | { type: 'duplicate'; of: string };

export interface StaffDeps {
  data: DataSet;
  texts: Texts;
  store: { feedback: FeedbackRepository & FollowUpQueries; contactRequests: ContactRequestRepository; channels: TeamChannelRepository; guideEvents: Pick<GuideEventRepository, 'list'> };
  /** Readable theme names for the report (the shared theme layer); absent, theme ids. */
  themeName?(theme: string, language: Language): string;
  now: () => Date;
  /** Sends a text to a conversation (proactive): the team digests and "Ni sa – vi gjorde". */
  notify(address: ConversationAddress, text: string): Promise<void>;
  /** The item pipeline: every change `act` makes is published there after its write. */
  events?: EventPublisher<ItemEvent>;
  onError?(error: unknown, what: string): void;
}

export type { FollowUpRow } from './report';

export interface StaffService {
  act(actor: StaffMember, municipality: string, itemId: string, action: TriageAction): Promise<FeedbackItem>;
  setRequestStatus(actor: StaffMember, municipality: string, id: string, status: ContactRequestStatus): Promise<ContactRequest>;
  isOverdue(item: FeedbackItem): boolean;
  dueAt(item: FeedbackItem): string;
  /** One page of a member's inbox, newest first (src/domain/staff/inbox.ts). */
  inbox(member: StaffMember, filter: StaffInboxFilter): Promise<InboxPage>;
  /** The municipalities a member may see. */
  visible(member: StaffMember): string[];
  /** The follow-up report of a municipality over a period, from store aggregates (src/domain/staff/report.ts). */
  report(municipality: string, period: FollowUpPeriod): Promise<FollowUpReport>;
  /** Erases contact details of items and contact requests closed longer ago than the pack's retention period. */
  applyRetention(municipality: string, by: string): Promise<{ erased: number; requestsErased: number }>;
  pack(municipality: string): Pack;
  /** Tells each team with a registered channel what is new and what is overdue. */
  teamDigest(municipality: string): Promise<{ teams: number; items: number }>;
  /**
   * The daily digest: from 07:00 (the injected clock's local time), once a day per municipality
   * however many instances or timer ticks ask (an atomic claim in the store). Undefined when it was
   * not this caller's to send.
   */
  dailyTeamDigest(municipality: string): Promise<{ teams: number; items: number } | undefined>;
  /** "Ni sa – vi gjorde": tells submitters who asked for answers what was done, per focus area. */
  youSaidWeDid(municipality: string, since: string): Promise<{ recipients: number; items: number }>;
}

const STATUS_ORDER: FeedbackStatus[] = ['new', 'received', 'in-progress', 'done', 'closed'];


export function createStaffService(deps: StaffDeps): StaffService {
  const pack = (municipality: string): Pack => {
    const found = deps.data.packs.get(municipality);
    if (!found) throw new StaffInputError(`no municipality "${municipality}"`);
    return found;
  };
  const at = () => deps.now().toISOString();

  const statusName = (language: Language, status: string) => deps.texts.t(language, `feedback.status.${status}`);

  /** Reads, changes and writes an item; a concurrent change surfaces as a ConcurrencyError (eTag). */
  const change = async (municipality: string, id: string, mutate: (item: FeedbackItem) => FeedbackItem): Promise<FeedbackItem> => {
    const item = await deps.store.feedback.get(municipality, id);
    if (!item) throw new StaffInputError(`no item ${id} in ${municipality}`);
    return deps.store.feedback.update(mutate(item));
  };

  const service: StaffService = {
    pack,

    async act(actor, municipality, itemId, action) {
      if (!canAct(actor, municipality)) throw new StaffAccessError(`${actor.name} may not change items of ${municipality}`);
      const p = pack(municipality);
      const now = at();
      const changes: ItemChange[] = [];
      let original: FeedbackItem | undefined;
      if (action.type === 'duplicate') {
        original = await deps.store.feedback.getByReference(municipality, action.of.trim().toUpperCase());
        if (!original) {
          throw new StaffInputError(`no item with reference "${action.of}" in ${municipality}`, {
            key: 'staff.error.noReference',
            vars: { reference: action.of.trim() || '–', municipality: pack(municipality).municipality.name },
          });
        }
        if (original.id === itemId) throw new StaffInputError('an item cannot be a duplicate of itself');
      }
      const updated = await change(municipality, itemId, (item) => {
        const history = [...item.history];
        const next: FeedbackItem = { ...item };
        const firstResponse = () => {
          next.firstResponseAt ??= now;
        };
        switch (action.type) {
          case 'take':
            history.push({ at: now, by: actor.id, action: 'assigned', to: actor.id, note: `taken by ${actor.name}` });
            next.assignee = actor.id;
            if (next.status === 'new') {
              history.push({ at: now, by: actor.id, action: 'status', from: 'new', to: 'received' });
              next.status = 'received';
              firstResponse();
            }
            changes.push({ type: 'assigned', to: actor.id, status: item.status === 'new' ? { from: 'new', to: 'received' } : undefined });
            break;
          case 'retag': {
            if (action.focusArea && !p.focusAreas.some((a) => a.id === action.focusArea)) {
              throw new StaffInputError(`"${action.focusArea}" is not a focus area of ${municipality}`);
            }
            if (action.topic && !(action.topic in deps.data.taxonomy.topics)) throw new StaffInputError(`"${action.topic}" is not a topic`);
            const retagged: Extract<ItemChange, { type: 'retagged' }>['changes'] = [];
            if (action.focusArea && action.focusArea !== item.focusArea) {
              history.push({ at: now, by: actor.id, action: 'retagged', from: item.focusArea, to: action.focusArea, note: 'focusArea' });
              next.secondaryArea = item.focusArea;
              next.focusArea = action.focusArea;
              next.focusConfidence = 1;
              retagged.push({ field: 'focusArea', from: item.focusArea, to: action.focusArea });
            }
            if (action.topic && action.topic !== item.topic) {
              history.push({ at: now, by: actor.id, action: 'retagged', from: item.topic ?? '', to: action.topic, note: 'topic' });
              next.topic = action.topic;
              retagged.push({ field: 'topic', from: item.topic, to: action.topic });
            }
            if (retagged.length > 0) changes.push({ type: 'retagged', changes: retagged });
            break;
          }
          case 'status': {
            if (!STATUS_ORDER.includes(action.status)) throw new StaffInputError(`unknown status "${action.status}"`);
            if (action.status === item.status) break;
            history.push({ at: now, by: actor.id, action: 'status', from: item.status, to: action.status, note: action.outcome });
            next.status = action.status;
            if (action.status !== 'new') firstResponse();
            if (action.status === 'done' || action.status === 'closed') {
              next.closedAt = now;
              if (action.outcome) next.outcome = maskPersonalData(action.outcome).text;
            }
            changes.push({ type: 'status', from: item.status, to: action.status, outcome: action.outcome });
            break;
          }
          case 'answer': {
            const text = action.text.trim();
            if (!text) throw new StaffInputError('the answer is empty');
            if (text.length > 2000) throw new StaffInputError('the answer is longer than 2000 characters');
            history.push({ at: now, by: actor.id, action: 'answered', note: text });
            firstResponse();
            changes.push({ type: 'answered', text });
            break;
          }
          case 'duplicate':
            history.push({ at: now, by: actor.id, action: 'duplicate', to: original?.reference });
            next.duplicateOf = original?.reference;
            history.push({ at: now, by: actor.id, action: 'status', from: item.status, to: 'closed', note: `duplicate of ${original?.reference}` });
            next.status = 'closed';
            next.closedAt = now;
            firstResponse();
            changes.push({ type: 'duplicate', of: original?.reference ?? '' });
            break;
        }
        next.history = history;
        next.updatedAt = now;
        return next;
      });
      // The card and the submitter's message follow from the events, in the background: a slow
      // channel must not hold up the staff member (Teams expects an answer to a card action within seconds).
      for (const change of changes) deps.events?.publish({ ...change, item: updated, at: now, by: actor.id });
      if (action.type === 'duplicate' && original) {
        try {
          const supported = await deps.store.feedback.addSupport(municipality, original.id, updated.submitter.userKey);
          deps.events?.publish({ type: 'supported', item: supported, at: now, by: 'system' });
        } catch (error) {
          deps.onError?.(error, 'duplicate support');
        }
      }
      return updated;
    },

    async setRequestStatus(actor, municipality, id, status) {
      if (!canAct(actor, municipality)) throw new StaffAccessError(`${actor.name} may not change requests of ${municipality}`);
      const request = await deps.store.contactRequests.get(municipality, id);
      if (!request) throw new StaffInputError(`no contact request ${id}`);
      const now = at();
      return deps.store.contactRequests.update({
        ...request,
        status,
        firstResponseAt: request.firstResponseAt ?? (status !== 'new' ? now : undefined),
        closedAt: status === 'done' ? now : request.closedAt,
        assignee: request.assignee ?? actor.id,
        updatedAt: now,
        history: [...request.history, { at: now, by: actor.id, action: 'status', from: request.status, to: status }],
      });
    },

    isOverdue: (item) => isOverdue(pack(item.municipality).staff, item, deps.now()),
    dueAt: (item) => dueDate(pack(item.municipality).staff, item).toISOString(),

    ...createStaffInbox({ feedback: deps.store.feedback, municipalities: () => [...deps.data.packs.keys()], isOverdue: (item) => isOverdue(pack(item.municipality).staff, item, deps.now()) }),
    ...createStaffReport({ pack, feedback: deps.store.feedback, guideEvents: deps.store.guideEvents, themeName: (theme, language) => (deps.themeName ? deps.themeName(theme, language) : theme), now: deps.now }),

    async teamDigest(municipality) {
      const p = pack(municipality);
      const since = new Date(deps.now().getTime() - 86_400_000).toISOString();
      let teams = 0;
      let count = 0;
      for (const team of p.staff.teams) {
        const channel = await deps.store.channels.get(municipality, team.id);
        if (!channel) continue;
        const mine = await deps.store.feedback.forTeamDigest(municipality, team.id, since);
        const fresh = mine.fresh;
        const overdue = mine.awaiting.filter((i) => isOverdue(p.staff, i, deps.now()));
        if (fresh.length === 0 && overdue.length === 0) continue;
        const line = (i: FeedbackItem) =>
          deps.texts.t('sv', 'staff.digest.line', { reference: i.reference, status: statusName('sv', i.status), text: i.text.length > 90 ? `${i.text.slice(0, 87)}…` : i.text });
        const text = [
          deps.texts.t('sv', 'staff.digest.team', { team: team.name.sv, new: fresh.length, overdue: overdue.length }),
          ...(overdue.length ? ['', deps.texts.t('sv', 'staff.digest.overdueTitle'), ...overdue.slice(0, 10).map(line)] : []),
          ...(fresh.length ? ['', deps.texts.t('sv', 'staff.digest.newTitle'), ...fresh.slice(0, 10).map(line)] : []),
        ].join('\n');
        await deps.notify(channel.address, text);
        teams += 1;
        count += fresh.length + overdue.length;
      }
      return { teams, items: count };
    },

    async dailyTeamDigest(municipality) {
      const now = deps.now();
      if (now.getHours() < 7) return undefined;
      const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
      if (!(await deps.store.channels.claimDailyDigest(municipality, day, now.toISOString()))) return undefined;
      return service.teamDigest(municipality);
    },

    async youSaidWeDid(municipality, since) {
      const p = pack(municipality);
      const done = await deps.store.feedback.withOutcomeSince(municipality, since);
      if (done.length === 0) return { recipients: 0, items: 0 };
      const message = (language: Language) => {
        const lines = [deps.texts.t(language, 'staff.youSaid.title', { municipality: p.municipality.name, since: since.slice(0, 10) })];
        for (const area of p.focusAreas) {
          const inArea = done.filter((i) => i.focusArea === area.id).slice(0, 5);
          if (inArea.length === 0) continue;
          lines.push('', deps.texts.t(language, 'staff.youSaid.area', { area: area.name[language] }));
          for (const i of inArea) lines.push(deps.texts.t(language, 'staff.youSaid.line', { text: i.text.length > 100 ? `${i.text.slice(0, 97)}…` : i.text, outcome: i.outcome ?? '' }));
        }
        return lines.join('\n');
      };
      // Those who asked for an answer (left contact details) and can be reached in the chat, once each.
      const recipients = await deps.store.feedback.reachableSubmitters(municipality);
      for (const submitter of recipients) {
        if (!submitter.address) continue;
        try {
          await deps.notify(submitter.address, message(submitter.language));
        } catch (error) {
          deps.onError?.(error, 'you-said-we-did message');
        }
      }
      return { recipients: recipients.length, items: done.length };
    },

    async applyRetention(municipality, by) {
      const p = pack(municipality);
      const cutoff = deps.now().getTime() - p.staff.retentionDays * 86_400_000;
      let erased = 0;
      for (const item of await deps.store.feedback.contactsClosedBefore(municipality, new Date(cutoff).toISOString())) {
        await deps.store.feedback.deleteContact(municipality, item.id);
        const now = at();
        await deps.store.feedback.update({
          ...item,
          hasContact: false,
          contactErasedAt: now,
          submitter: { userKey: 'erased', language: item.submitter.language },
          history: [...item.history, { at: now, by, action: 'note', note: `contact details erased after ${p.staff.retentionDays} days (retention)` }],
        });
        erased += 1;
      }
      let requestsErased = 0;
      for (const request of await deps.store.contactRequests.list(municipality, { status: 'done' })) {
        if (request.contactErasedAt || !request.closedAt || new Date(request.closedAt).getTime() > cutoff) continue;
        const note = `contact details erased after ${p.staff.retentionDays} days (retention)`;
        await deps.store.contactRequests.update(withoutContactDetails(request, at(), by, note));
        requestsErased += 1;
      }
      return { erased, requestsErased };
    },
  };
  return service;
}
