/**
 * What staff do with feedback and contact requests: route new items to a team, take them, re-tag,
 * change status, answer the submitter, mark duplicates, follow up per focus area, and erase contact
 * details after the retention period. Every change is an eTag-checked update with a history entry
 * (who, what, when), and the submitter hears about status changes and answers in their language.
 */
import type { DataSet, Pack } from '../packs/loader';
import type { Language } from '../packs/schema';
import { ConcurrencyError, type ConversationAddress } from '../ports';
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
  HistoryEntry,
} from '../feedback/types';
import { routeToTeam, isOverdue, firstResponseDue } from './routing';
import { canAct, type StaffMember, type TeamChannelRepository } from './types';

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
  store: { feedback: FeedbackRepository; contactRequests: ContactRequestRepository; channels: TeamChannelRepository };
  now: () => Date;
  /** Sends a text to a user's conversation (proactive). */
  notify(address: ConversationAddress, text: string): Promise<void>;
  /** Posts or refreshes an item's card in its team's channel, when one is registered. */
  postToTeam?(item: FeedbackItem, channelAddress: ConversationAddress): Promise<void>;
  onError?(error: unknown, what: string): void;
}

export interface FollowUpRow {
  focusArea: string;
  month: string;
  count: number;
  handled: number;
  handledShare: number;
  medianDaysToFirstResponse: number | null;
  medianDaysToClosure: number | null;
  overdue: number;
}

export interface StaffService {
  /** Assigns a new item to a team by the pack's rules and posts it to the team's channel. */
  routeNew(item: FeedbackItem): Promise<FeedbackItem>;
  routeNewRequest(request: ContactRequest): Promise<ContactRequest>;
  act(actor: StaffMember, municipality: string, itemId: string, action: TriageAction): Promise<FeedbackItem>;
  setRequestStatus(actor: StaffMember, municipality: string, id: string, status: ContactRequestStatus): Promise<ContactRequest>;
  isOverdue(item: FeedbackItem): boolean;
  dueAt(item: FeedbackItem): string;
  followUp(municipality: string, items: FeedbackItem[]): FollowUpRow[];
  /** Erases contact details of items and contact requests closed longer ago than the pack's retention period. */
  applyRetention(municipality: string, by: string): Promise<{ erased: number; requestsErased: number }>;
  pack(municipality: string): Pack;
  /** Tells each team with a registered channel what is new and what is overdue. */
  teamDigest(municipality: string): Promise<{ teams: number; items: number }>;
  /** "Ni sa – vi gjorde": tells submitters who asked for answers what was done, per focus area. */
  youSaidWeDid(municipality: string, since: string): Promise<{ recipients: number; items: number }>;
}

const STATUS_ORDER: FeedbackStatus[] = ['new', 'received', 'in-progress', 'done', 'closed'];

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

const days = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / 86_400_000;

export function createStaffService(deps: StaffDeps): StaffService {
  const pack = (municipality: string): Pack => {
    const found = deps.data.packs.get(municipality);
    if (!found) throw new StaffInputError(`no municipality "${municipality}"`);
    return found;
  };
  const at = () => deps.now().toISOString();

  const tell = async (item: { submitter: FeedbackItem['submitter'] }, key: string, vars: Record<string, string>) => {
    if (!item.submitter.address) return;
    const language: Language = item.submitter.language;
    try {
      await deps.notify(item.submitter.address, deps.texts.t(language, key, vars));
    } catch (error) {
      deps.onError?.(error, 'submitter notification');
    }
  };

  const post = async (item: FeedbackItem) => {
    if (!deps.postToTeam || !item.assignment) return;
    try {
      const channel = await deps.store.channels.get(item.municipality, item.assignment.team);
      if (channel) await deps.postToTeam(item, channel.address);
    } catch (error) {
      deps.onError?.(error, 'team channel post');
    }
  };

  const statusName = (language: Language, status: string) => deps.texts.t(language, `feedback.status.${status}`);

  /** Reads, changes and writes an item; a concurrent change surfaces as a ConcurrencyError (eTag). */
  const change = async (municipality: string, id: string, mutate: (item: FeedbackItem) => FeedbackItem): Promise<FeedbackItem> => {
    const item = await deps.store.feedback.get(municipality, id);
    if (!item) throw new StaffInputError(`no item ${id} in ${municipality}`);
    return deps.store.feedback.update(mutate(item));
  };

  return {
    pack,

    async routeNew(item) {
      if (item.assignment) return item;
      const p = pack(item.municipality);
      const { team, reason } = routeToTeam(p.staff, { kind: item.kind, focusArea: item.focusArea, topic: item.topic });
      const entry: HistoryEntry = { at: at(), by: 'system', action: 'assigned', to: team, note: reason };
      let routed: FeedbackItem;
      try {
        routed = await deps.store.feedback.update({ ...item, assignment: { team, reason, at: entry.at }, history: [...item.history, entry] });
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        const fresh = await deps.store.feedback.get(item.municipality, item.id);
        if (!fresh || fresh.assignment) return fresh ?? item;
        routed = await deps.store.feedback.update({ ...fresh, assignment: { team, reason, at: entry.at }, history: [...fresh.history, entry] });
      }
      void post(routed);
      return routed;
    },

    async routeNewRequest(request) {
      if (request.assignment) return request;
      const p = pack(request.municipality);
      const { team, reason } = routeToTeam(p.staff, { kind: 'contact-request', topic: request.topic });
      const entry: HistoryEntry = { at: at(), by: 'system', action: 'assigned', to: team, note: reason };
      return deps.store.contactRequests.update({ ...request, assignment: { team, reason, at: entry.at }, history: [...request.history, entry] });
    },

    async act(actor, municipality, itemId, action) {
      if (!canAct(actor, municipality)) throw new StaffAccessError(`${actor.name} may not change items of ${municipality}`);
      const p = pack(municipality);
      const now = at();
      let notice: { key: string; vars: Record<string, string> } | undefined;
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
              notice = { key: 'staff.notify.status', vars: { reference: item.reference, status: statusName(item.submitter.language, 'received') } };
            }
            break;
          case 'retag': {
            if (action.focusArea && !p.focusAreas.some((a) => a.id === action.focusArea)) {
              throw new StaffInputError(`"${action.focusArea}" is not a focus area of ${municipality}`);
            }
            if (action.topic && !(action.topic in deps.data.taxonomy.topics)) throw new StaffInputError(`"${action.topic}" is not a topic`);
            if (action.focusArea && action.focusArea !== item.focusArea) {
              history.push({ at: now, by: actor.id, action: 'retagged', from: item.focusArea, to: action.focusArea, note: 'focusArea' });
              next.secondaryArea = item.focusArea;
              next.focusArea = action.focusArea;
              next.focusConfidence = 1;
            }
            if (action.topic && action.topic !== item.topic) {
              history.push({ at: now, by: actor.id, action: 'retagged', from: item.topic ?? '', to: action.topic, note: 'topic' });
              next.topic = action.topic;
            }
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
            notice = action.outcome
              ? { key: 'staff.notify.statusWithOutcome', vars: { reference: item.reference, status: statusName(item.submitter.language, action.status), outcome: action.outcome } }
              : { key: 'staff.notify.status', vars: { reference: item.reference, status: statusName(item.submitter.language, action.status) } };
            break;
          }
          case 'answer': {
            const text = action.text.trim();
            if (!text) throw new StaffInputError('the answer is empty');
            if (text.length > 2000) throw new StaffInputError('the answer is longer than 2000 characters');
            history.push({ at: now, by: actor.id, action: 'answered', note: text });
            firstResponse();
            notice = { key: 'staff.notify.answer', vars: { reference: item.reference, answer: text } };
            break;
          }
          case 'duplicate':
            history.push({ at: now, by: actor.id, action: 'duplicate', to: original?.reference });
            next.duplicateOf = original?.reference;
            history.push({ at: now, by: actor.id, action: 'status', from: item.status, to: 'closed', note: `duplicate of ${original?.reference}` });
            next.status = 'closed';
            next.closedAt = now;
            firstResponse();
            notice = { key: 'staff.notify.duplicate', vars: { reference: item.reference, original: original?.reference ?? '' } };
            break;
        }
        next.history = history;
        next.updatedAt = now;
        return next;
      });
      if (action.type === 'duplicate' && original) {
        await deps.store.feedback.addSupport(municipality, original.id, updated.submitter.userKey).catch((error: unknown) => deps.onError?.(error, 'duplicate support'));
      }
      // The submitter's message and the channel card are sent in the background: a slow channel
      // must not hold up the staff member (Teams expects an answer to a card action within seconds).
      if (notice) void tell(updated, notice.key, notice.vars);
      void post(updated);
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
    dueAt: (item) => firstResponseDue(pack(item.municipality).staff, item.kind, item.createdAt).toISOString(),

    followUp(municipality, items) {
      const p = pack(municipality);
      const groups = new Map<string, FeedbackItem[]>();
      for (const item of items) {
        const key = `${item.focusArea}\u0000${item.createdAt.slice(0, 7)}`;
        const group = groups.get(key);
        if (group) group.push(item);
        else groups.set(key, [item]);
      }
      return [...groups]
        .map(([key, group]) => {
          const [focusArea = '', month = ''] = key.split('\u0000');
          const handled = group.filter((i) => i.status === 'done' || i.status === 'closed').length;
          return {
            focusArea,
            month,
            count: group.length,
            handled,
            handledShare: Math.round((handled / group.length) * 100) / 100,
            medianDaysToFirstResponse: median(group.flatMap((i) => (i.firstResponseAt ? [days(i.createdAt, i.firstResponseAt)] : []))),
            medianDaysToClosure: median(group.flatMap((i) => (i.closedAt ? [days(i.createdAt, i.closedAt)] : []))),
            overdue: group.filter((i) => isOverdue(p.staff, i, deps.now())).length,
          };
        })
        .sort((a, b) => a.month.localeCompare(b.month) || a.focusArea.localeCompare(b.focusArea));
    },

    async teamDigest(municipality) {
      const p = pack(municipality);
      const items = await deps.store.feedback.list(municipality);
      const since = new Date(deps.now().getTime() - 86_400_000).toISOString();
      let teams = 0;
      let count = 0;
      for (const team of p.staff.teams) {
        const channel = await deps.store.channels.get(municipality, team.id);
        if (!channel) continue;
        const mine = items.filter((i) => i.assignment?.team === team.id);
        const fresh = mine.filter((i) => i.createdAt >= since);
        const overdue = mine.filter((i) => isOverdue(p.staff, i, deps.now()));
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

    async youSaidWeDid(municipality, since) {
      const p = pack(municipality);
      const items = await deps.store.feedback.list(municipality);
      const done = items.filter((i) => (i.status === 'done' || i.status === 'closed') && i.outcome && i.closedAt && i.closedAt >= since && !i.duplicateOf);
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
      const recipients = new Map<string, FeedbackItem['submitter']>();
      for (const item of items) if (item.hasContact && item.submitter.address && !recipients.has(item.submitter.userKey)) recipients.set(item.submitter.userKey, item.submitter);
      for (const submitter of recipients.values()) {
        if (!submitter.address) continue;
        try {
          await deps.notify(submitter.address, message(submitter.language));
        } catch (error) {
          deps.onError?.(error, 'you-said-we-did message');
        }
      }
      return { recipients: recipients.size, items: done.length };
    },

    async applyRetention(municipality, by) {
      const p = pack(municipality);
      const cutoff = deps.now().getTime() - p.staff.retentionDays * 86_400_000;
      let erased = 0;
      for (const item of await deps.store.feedback.list(municipality)) {
        if (!item.hasContact || item.contactErasedAt || !item.closedAt || new Date(item.closedAt).getTime() > cutoff) continue;
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
}
