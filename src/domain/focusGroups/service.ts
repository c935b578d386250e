/**
 * Focus group sessions: a facilitator starts a session from a template and gets a join code; each
 * participant joins with it, consents, and answers the steps one at a time (anonymously: answers
 * are stored under a participant key derived from the session and the user, never the user id);
 * the facilitator opens, pauses and closes the session and gets the results.
 */
import { randomInt } from 'node:crypto';
import type { ThemeLayer } from '../themes/layer';
import type { DataSet } from '../packs/loader';
import type { Language } from '../packs/schema';
import { ConcurrencyError, type ConversationAddress } from '../ports';
import { idFor } from '../feedback/ids';
import type { CsvDelimiter } from '../csv';
import { summarise, toCsv, type Answer, type AnswerValue, type RankingItem, type StepResult } from './results';
import { templatesFor, type DialogueStep, type DialogueTemplate } from './template';
import { maskPersonalData } from '../privacy/mask';
import { interpret, type InterpretContext, type Interpretation } from './interpret';

/** Free text in an answer is stored masked, like every other stored text. */
function maskedAnswer(value: AnswerValue): AnswerValue {
  if (value.kind === 'open' || value.kind === 'inspel' || value.kind === 'statement-new') return { ...value, text: maskPersonalData(value.text).text };
  return value;
}

export const sessionStatuses = ['open', 'paused', 'closed'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

export interface FocusSession {
  id: string;
  /** Short code participants type or open as /?join=CODE. */
  code: string;
  templateId: string;
  municipality: string;
  status: SessionStatus;
  facilitator: { userKey: string; name: string; address?: ConversationAddress };
  createdAt: string;
  updatedAt: string;
  eTag?: string;
}

export interface Participation {
  sessionId: string;
  /** Derived from session and user; the only participant identity stored with answers. */
  participant: string;
  consentAt?: string;
  /** Index of the step the participant is on. */
  position: number;
  finishedAt?: string;
  language: Language;
  /**
   * The steps the participant answered (a skip is not an answer), each once: the counts of the
   * facilitator's live view come from these (a store aggregate), never from re-reading answers.
   * Absent on participations stored before it was kept.
   */
  answered?: string[];
}

export interface FocusGroupRepository {
  createSession(session: FocusSession): Promise<void>;
  getSession(id: string): Promise<FocusSession | undefined>;
  findByCode(code: string): Promise<FocusSession | undefined>;
  /** A municipality's sessions, newest first. */
  listSessions(municipality: string): Promise<FocusSession[]>;
  updateSession(session: FocusSession): Promise<FocusSession>;
  getParticipation(sessionId: string, participant: string): Promise<Participation | undefined>;
  putParticipation(participation: Participation): Promise<void>;
  /**
   * Stores a participant's first participation, unless they have one: then that one is returned
   * (created false). One participation per participant, however often or concurrently they join.
   */
  joinParticipation(participation: Participation): Promise<{ participation: Participation; created: boolean }>;
  listParticipations(sessionId: string): Promise<Participation[]>;
  addAnswer(sessionId: string, answer: Answer): Promise<void>;
  listAnswers(sessionId: string): Promise<Answer[]>;
  /** The statements participants added at a step, oldest first, at most `limit` (a store query, not all answers). */
  listAddedStatements(sessionId: string, stepId: string, limit: number): Promise<Answer[]>;
  /**
   * How many participants of a session joined, consented and finished, and per step how many
   * answered it (their `answered` steps): counted by the store, no document read. Undefined when
   * some participation predates `answered` (then the caller counts the answers).
   */
  countProgress(sessionId: string, stepIds: readonly string[]): Promise<Progress | undefined>;
}

/**
 * What a caller already read of a session and a participation in this request (a turn of the
 * dialogue): the service uses them instead of reading them again. Ones for another session or
 * participant are ignored.
 */
export interface AlreadyRead {
  session?: FocusSession;
  participation?: Participation;
}

export type JoinResult =
  | { ok: true; session: FocusSession; template: DialogueTemplate; participation: Participation }
  | { ok: false; reason: 'unknown-code' | 'closed' | 'paused' };

export interface Progress {
  joined: number;
  consented: number;
  finished: number;
  answersPerStep: Record<string, number>;
}

export interface FocusGroups {
  templates(municipality: string): DialogueTemplate[];
  template(id: string): DialogueTemplate | undefined;
  start(input: { municipality: string; templateId: string; facilitator: FocusSession['facilitator'] }): Promise<FocusSession>;
  byCode(code: string): Promise<FocusSession | undefined>;
  sessions(municipality: string): Promise<FocusSession[]>;
  session(id: string): Promise<FocusSession | undefined>;
  setStatus(sessionId: string, status: SessionStatus): Promise<FocusSession>;
  join(code: string, userKey: string, language: Language): Promise<JoinResult>;
  consent(sessionId: string, participant: string, read?: AlreadyRead): Promise<Participation>;
  /** Stores an answer and moves the participant to the next step. Refused when the session is not open. */
  answer(sessionId: string, participant: string, stepId: string, value: AnswerValue, read?: AlreadyRead): Promise<Participation>;
  participation(sessionId: string, participant: string): Promise<Participation>;
  /** The items of a ranking step: the template's, or the pack's focus areas. */
  rankingItemsFor(municipality: string, step: Extract<DialogueStep, { type: 'ranking' }>, language: Language): Array<{ id: string; label: string }>;
  /**
   * What a participant's message means at a step (src/domain/focusGroups/interpret.ts): an answer,
   * a step back, or why it was not understood. A ranking of focus areas ranks the municipality's.
   */
  interpret(municipality: string, step: DialogueStep, text: string, language: Language, context?: Omit<InterpretContext, 'rankingItems'>): Interpretation;
  /** Moves the participant to a step (back, or resume). */
  moveTo(sessionId: string, participant: string, position: number, read?: AlreadyRead): Promise<Participation>;
  /** Statements participants added so far to a statements step (id and text), for others to vote on. */
  addedStatements(sessionId: string, stepId: string): Promise<Array<{ id: string; text: string }>>;
  progress(sessionId: string): Promise<Progress>;
  /** Results per step; open suggestions ("inspel") are also counted per strategy focus area. */
  results(sessionId: string): Promise<{
    session: FocusSession;
    template: DialogueTemplate;
    steps: StepResult[];
    focusAreas: Record<string, Array<{ focusArea: string; count: number }>>;
  }>;
  csv(sessionId: string, delimiter?: CsvDelimiter): Promise<string>;
}

/** Statements added by participants that a step shows (the first ones, so the list stays put). */
export const MAX_ADDED_STATEMENTS = 5;

export class FocusGroupError extends Error {
  constructor(
    readonly reason: 'unknown-session' | 'unknown-template' | 'not-open' | 'not-joined',
    message: string,
  ) {
    super(message);
    this.name = 'FocusGroupError';
  }
}

/** Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function createFocusGroups(deps: {
  data: DataSet;
  templates: DialogueTemplate[];
  repo: FocusGroupRepository;
  now: () => Date;
  /** The feedback tagger: the focus area of an open suggestion. */
  tag?: (municipality: string, text: string) => string;
  /** The shared theme layer: free-text answers counted by what they are about. */
  themes?: ThemeLayer;
}): FocusGroups {
  const byId = new Map(deps.templates.map((t) => [t.id, t]));
  const at = () => deps.now().toISOString();

  const session = async (id: string): Promise<FocusSession> => {
    const found = await deps.repo.getSession(id);
    if (!found) throw new FocusGroupError('unknown-session', `no focus group session ${id}`);
    return found;
  };
  const templateOf = (s: FocusSession): DialogueTemplate => {
    const found = byId.get(s.templateId);
    if (!found) throw new FocusGroupError('unknown-template', `no template ${s.templateId}`);
    return found;
  };
  const rankingItems = (s: FocusSession, template: DialogueTemplate): Record<string, RankingItem[]> => {
    const pack = deps.data.packs.get(s.municipality);
    const items: Record<string, RankingItem[]> = {};
    for (const step of template.steps) {
      if (step.type === 'ranking' && step.source === 'focus-areas' && pack) {
        items[step.id] = pack.focusAreas.map((area) => ({ id: area.id, label: area.name }));
      }
    }
    return items;
  };
  const sessionOf = (sessionId: string, read?: AlreadyRead): Promise<FocusSession> =>
    read?.session?.id === sessionId ? Promise.resolve(read.session) : session(sessionId);
  const participationOf = (sessionId: string, participant: string, read?: AlreadyRead): Promise<Participation> =>
    read?.participation?.sessionId === sessionId && read.participation.participant === participant ? Promise.resolve(read.participation) : participation(sessionId, participant);
  const participation = async (sessionId: string, participant: string): Promise<Participation> => {
    const found = await deps.repo.getParticipation(sessionId, participant);
    if (!found) throw new FocusGroupError('not-joined', 'not a participant of this session');
    return found;
  };

  const rankingItemsFor: FocusGroups['rankingItemsFor'] = (municipality, step, language) => {
    if (step.source === 'focus-areas') {
      return (deps.data.packs.get(municipality)?.focusAreas ?? []).map((area) => ({ id: area.id, label: area.name[language] }));
    }
    return step.items.map((item) => ({ id: item.id, label: item.label[language] }));
  };

  return {
    templates: (municipality) => templatesFor(deps.templates, municipality),
    template: (id) => byId.get(id),

    async start(input) {
      const template = byId.get(input.templateId);
      if (!template || !templatesFor(deps.templates, input.municipality).includes(template)) {
        throw new FocusGroupError('unknown-template', `no template "${input.templateId}" for ${input.municipality}`);
      }
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const code = Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
        if (await deps.repo.findByCode(code)) continue;
        const now = at();
        const created: FocusSession = {
          id: idFor('focus', code, now),
          code,
          templateId: template.id,
          municipality: input.municipality,
          status: 'open',
          facilitator: input.facilitator,
          createdAt: now,
          updatedAt: now,
        };
        await deps.repo.createSession(created);
        return created;
      }
      throw new Error('could not find a free join code');
    },

    byCode: (code) => deps.repo.findByCode(code.trim().toUpperCase()),
    sessions: (municipality) => deps.repo.listSessions(municipality),
    session: (id) => deps.repo.getSession(id),

    async setStatus(sessionId, status) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const current = await session(sessionId);
        try {
          return await deps.repo.updateSession({ ...current, status, updatedAt: at() });
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      throw new ConcurrencyError('focus group session');
    },

    async join(code, userKey, language) {
      const found = await deps.repo.findByCode(code.trim().toUpperCase());
      if (!found) return { ok: false, reason: 'unknown-code' };
      if (found.status === 'closed') return { ok: false, reason: 'closed' };
      if (found.status === 'paused') return { ok: false, reason: 'paused' };
      const participant = idFor('participant', found.id, userKey);
      const { participation: joined } = await deps.repo.joinParticipation({ sessionId: found.id, participant, position: 0, language, answered: [] });
      return { ok: true, session: found, template: templateOf(found), participation: joined };
    },

    async consent(sessionId, participant, read) {
      const current = await participationOf(sessionId, participant, read);
      const next = { ...current, consentAt: current.consentAt ?? at() };
      await deps.repo.putParticipation(next);
      return next;
    },

    async answer(sessionId, participant, stepId, value, read) {
      const s = await sessionOf(sessionId, read);
      if (s.status !== 'open') throw new FocusGroupError('not-open', `the session is ${s.status}`);
      const current = await participationOf(sessionId, participant, read);
      const template = templateOf(s);
      const index = template.steps.findIndex((step: DialogueStep) => step.id === stepId);
      if (index < 0) throw new FocusGroupError('unknown-template', `no step ${stepId}`);
      await deps.repo.addAnswer(sessionId, { participant, stepId, value: maskedAnswer(value), at: at() });
      const advance = value.kind !== 'vote' && value.kind !== 'statement-new';
      const position = advance ? Math.max(current.position, index + 1) : current.position;
      const finishedAt = position >= template.steps.length ? (current.finishedAt ?? at()) : current.finishedAt;
      // Kept only on participations that started with it (a list begun half-way would undercount).
      const answered = current.answered === undefined || value.kind === 'skip' || current.answered.includes(stepId) ? current.answered : [...current.answered, stepId];
      // A vote (or the same answer delivered twice) changes nothing of the participation: not written again.
      if (position === current.position && finishedAt === current.finishedAt && answered === current.answered) return current;
      const next: Participation = { ...current, position, finishedAt, ...(answered ? { answered } : {}) };
      await deps.repo.putParticipation(next);
      return next;
    },

    participation,

    rankingItemsFor,

    interpret(municipality, step, text, language, context = {}) {
      const rankingItems = step.type === 'ranking' ? rankingItemsFor(municipality, step, language) : undefined;
      return interpret(step, text, language, { ...context, rankingItems });
    },

    async moveTo(sessionId, participant, position, read) {
      const s = await sessionOf(sessionId, read);
      const current = await participationOf(sessionId, participant, read);
      const total = templateOf(s).steps.length;
      const clamped = Math.max(0, Math.min(position, total));
      const next = { ...current, position: clamped, finishedAt: clamped >= total ? (current.finishedAt ?? at()) : current.finishedAt };
      await deps.repo.putParticipation(next);
      return next;
    },

    async addedStatements(sessionId, stepId) {
      const answers = await deps.repo.listAddedStatements(sessionId, stepId, MAX_ADDED_STATEMENTS);
      const seen = new Map<string, string>();
      for (const answer of answers) {
        if (answer.stepId === stepId && answer.value.kind === 'statement-new') seen.set(answer.value.statementId, answer.value.text);
      }
      return [...seen].map(([id, text]) => ({ id, text }));
    },

    async progress(sessionId) {
      const s = await session(sessionId);
      const counted = await deps.repo.countProgress(sessionId, templateOf(s).steps.map((step) => step.id));
      if (counted) return counted;
      // Participations stored before `answered` was kept: counted from the answers.
      const participations = await deps.repo.listParticipations(sessionId);
      const answers = await deps.repo.listAnswers(sessionId);
      const answersPerStep: Record<string, number> = {};
      for (const step of templateOf(s).steps) {
        answersPerStep[step.id] = new Set(answers.filter((a) => a.stepId === step.id && a.value.kind !== 'skip').map((a) => a.participant)).size;
      }
      return {
        joined: participations.length,
        consented: participations.filter((p) => p.consentAt).length,
        finished: participations.filter((p) => p.finishedAt).length,
        answersPerStep,
      };
    },

    async results(sessionId) {
      const s = await session(sessionId);
      const template = templateOf(s);
      const answers = await deps.repo.listAnswers(sessionId);
      const focusAreas: Record<string, Array<{ focusArea: string; count: number }>> = {};
      if (deps.tag) {
        for (const step of template.steps) {
          if (step.type !== 'inspel') continue;
          // The latest inspel of each participant, tagged like a suggestion.
          const latest = new Map<string, string>();
          for (const answer of [...answers].sort((a, b) => a.at.localeCompare(b.at))) {
            if (answer.stepId === step.id && answer.value.kind === 'inspel') latest.set(answer.participant, answer.value.text);
          }
          const counts = new Map<string, number>();
          for (const text of latest.values()) {
            const area = deps.tag(s.municipality, text);
            counts.set(area, (counts.get(area) ?? 0) + 1);
          }
          focusAreas[step.id] = [...counts].map(([focusArea, count]) => ({ focusArea, count })).sort((a, b) => b.count - a.count);
        }
      }
      return { session: s, template, steps: summarise(template, answers, { rankingItems: rankingItems(s, template), themes: deps.themes }), focusAreas };
    },

    async csv(sessionId, delimiter) {
      const s = await session(sessionId);
      const template = templateOf(s);
      return toCsv(template, await deps.repo.listAnswers(sessionId), { rankingItems: rankingItems(s, template) }, delimiter);
    },
  };
}
