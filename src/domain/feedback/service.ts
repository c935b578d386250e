/**
 * "Gör <kommun> bättre": what happens to a suggestion, from the first message to the receipt.
 * Plain TypeScript; the suggestion dialog only asks the questions and renders what this returns.
 *
 * Nothing is lost and nothing doubles: personal data is masked before anything is stored; an item
 * is created once per source activity; when the store cannot be reached the suggestion waits in a
 * durable local outbox and is written (and the submitter told) when the store is back.
 */
import type { DataSet, Pack } from '../packs/loader';
import type { FocusArea, Language, Localized } from '../packs/schema';
import { StoreUnavailableError, type ConversationAddress } from '../ports';
import { maskPersonalData, type MaskResult } from '../privacy/mask';
import { idFor } from './ids';
import type { Outbox, OutboxEntry } from './outbox';
import { findSimilar, similarityTerms } from './similar';
import type { ThemeLayer } from '../themes/layer';
import { serviceFactor, taggerForPack, type Correction, type FocusTag, type Tagger } from './tagger';
import type { ModelCache } from '../text/classifier';
import type { FeedbackItem, FeedbackKind, FeedbackRepository, NewFeedbackItem, ServiceFactor, SubmitterContact } from './types';
import type { EventPublisher } from '../events/queue';
import type { ItemEvent } from './events';
import { assignmentFor } from '../staff/routing';

export interface Understanding {
  /** The suggestion as it will be stored (personal data masked) and what was masked. */
  masked: MaskResult;
  tag: FocusTag;
  topic?: string;
  serviceFactor?: ServiceFactor;
  /** Open items of the municipality that say much the same thing, best first. */
  similar: FeedbackItem[];
}

export interface SubmitInput {
  municipality: string;
  /** The text as the user wrote it; masked again here, whatever the caller did. */
  text: string;
  /** What the caller masked already (when `text` is the masked text), so the item still says so. */
  masked?: MaskResult['masked'];
  kind: FeedbackKind;
  place?: string;
  language: Language;
  /** The focus area the user confirmed (or chose). */
  focusArea: string;
  tag: FocusTag;
  topic?: string;
  user: { channelId: string; userId: string };
  address?: ConversationAddress;
  contact?: SubmitterContact;
  /** Identity of the activity that completed the suggestion: the same key never creates a second item. */
  sourceKey: string;
}

/** Who sent a text and how to reach them again; the same `sourceKey` never creates a second item. */
export interface CaptureOrigin {
  user: { channelId: string; userId: string };
  address?: ConversationAddress;
  sourceKey: string;
}

/** A suggestion taken in one step (no questions asked back): a focus-group remark, an Open311 request. */
export interface CaptureInput {
  municipality: string;
  text: string;
  language: Language;
  origin: CaptureOrigin;
  kind?: FeedbackKind;
  place?: string;
  /** The focus area the sender chose; otherwise the tagger's best. */
  focusArea?: string;
}

export type SubmitResult =
  | { status: 'stored'; item: FeedbackItem; created: boolean }
  | { status: 'queued'; outboxId: string };

export interface FeedbackService {
  focusAreas(municipality: string): FocusArea[];
  focusAreaName(municipality: string, id: string): Localized;
  understand(municipality: string, text: string, language: Language): Promise<Understanding>;
  submit(input: SubmitInput): Promise<SubmitResult>;
  /** understand → submit in one step, for surfaces that do not ask back. */
  capture(input: CaptureInput): Promise<SubmitResult>;
  support(municipality: string, id: string, user: { channelId: string; userId: string }): Promise<FeedbackItem>;
  mine(municipality: string, user: { channelId: string; userId: string }): Promise<FeedbackItem[]>;
  /** Writes what waits in the outbox; returns how many were written and how many still wait. */
  flushOutbox(): Promise<{ written: number; waiting: number }>;
  tagger(municipality: string): Tagger;
  /** Staff re-tags of focus areas, as training examples (latest re-tag per item wins). */
  corrections(municipality: string): Promise<Correction[]>;
  /** Retrains a municipality's tagger from the pack's examples plus staff corrections. */
  retrain(municipality: string): Promise<{ corrections: number; trainMs: number }>;
}

export interface FeedbackDeps {
  data: DataSet;
  store: { feedback: FeedbackRepository };
  outbox: Outbox;
  /** The guide's topic ranking, so a suggestion also gets a topic. */
  rankTopics(municipality: string, text: string): Array<{ topic: string; confidence: number }>;
  now: () => Date;
  /** The item pipeline: `created` for every newly stored item (`queued` when it came from the outbox), `supported`. */
  events?: EventPublisher<ItemEvent>;
  onError?: (error: unknown, what: string) => void;
  /** The shared theme layer (what suggestions are about); without it, pack examples only. */
  themes?: ThemeLayer;
  /** Trained tagger models kept between starts. */
  modelCache?: ModelCache;
}

/** Items whose focus area staff changed, as training examples for the tagger. */
export function correctionsFrom(items: FeedbackItem[]): Correction[] {
  return items.flatMap((item) =>
    item.history.some((h) => h.action === 'retagged' && h.note === 'focusArea') ? [{ text: item.text, focusArea: item.focusArea }] : [],
  );
}

const userKey = (user: { channelId: string; userId: string }) => `${user.channelId}:${user.userId}`;

export function createFeedbackService(deps: FeedbackDeps): FeedbackService {
  const taggers = new Map<string, Tagger>();
  const pack = (municipality: string): Pack => {
    const found = deps.data.packs.get(municipality);
    if (!found) throw new Error(`no data pack "${municipality}"`);
    return found;
  };
  const tagger = (municipality: string): Tagger => {
    let found = taggers.get(municipality);
    if (!found) {
      found = taggerForPack(pack(municipality), deps.themes, [], deps.modelCache);
      taggers.set(municipality, found);
    }
    return found;
  };
  for (const id of deps.data.packs.keys()) tagger(id);

  const topicOf = (municipality: string, text: string): string | undefined => {
    const best = deps.rankTopics(municipality, text).find((r) => r.topic !== 'give-feedback' && r.topic !== 'business-pilot');
    return best && best.confidence >= 0.2 ? best.topic : undefined;
  };

  /** The one write of a new item (its assignment included); what follows is the pipeline's. */
  const store = async (item: NewFeedbackItem, contact: SubmitterContact | undefined, queued: boolean) => {
    const result = await deps.store.feedback.create(item, contact);
    if (result.created) deps.events?.publish({ type: 'created', item: result.item, at: result.item.createdAt, by: 'submitter', queued });
    return result;
  };

  const corrections = async (municipality: string): Promise<Correction[]> => correctionsFrom(await deps.store.feedback.retagged(municipality));

  const understand = async (municipality: string, text: string, language: Language): Promise<Understanding> => {
    const masked = maskPersonalData(text.trim());
    const tag = tagger(municipality).tag(masked.text);
    let similar: FeedbackItem[] = [];
    try {
      // Only open items that share a term with the text, from the store's index: bounded work.
      const open = await deps.store.feedback.openSimilarCandidates(municipality, similarityTerms(masked.text, language));
      const byId = new Map(open.map((c) => [c.item.id, c.item]));
      const matches = findSimilar(masked.text, language, open.map(({ item, terms }) => ({ id: item.id, text: item.text, language: item.language, terms })));
      similar = matches.flatMap((m) => byId.get(m.id) ?? []);
    } catch (error) {
      // Similar suggestions are a help, not a requirement: a store that is down must not stop the user.
      deps.onError?.(error, 'similar suggestions');
    }
    return { masked, tag, topic: topicOf(municipality, masked.text), serviceFactor: serviceFactor(masked.text, language), similar };
  };

  const submit = async (input: SubmitInput): Promise<SubmitResult> => {
    const p = pack(input.municipality);
    const masked = maskPersonalData(input.text.trim());
    const at = deps.now().toISOString();
    const areas = new Set(p.focusAreas.map((a) => a.id));
    if (!areas.has(input.focusArea)) throw new Error(`"${input.focusArea}" is not a focus area of ${input.municipality}`);
    const confirmedTop = input.focusArea === input.tag.focusArea;
    const secondary = confirmedTop ? input.tag.secondaryArea : input.tag.focusArea;
    const item: NewFeedbackItem = {
      municipality: input.municipality,
      referencePrefix: p.municipality.referencePrefix,
      kind: input.kind,
      text: masked.text,
      masked: mergeMasked(input.masked ?? [], masked.masked),
      place: input.place ? maskPersonalData(input.place.trim()).text.slice(0, 200) : undefined,
      language: input.language,
      focusArea: input.focusArea,
      secondaryArea: secondary && secondary !== input.focusArea ? secondary : undefined,
      focusConfidence: confirmedTop ? input.tag.confidence : 1,
      theme: input.tag.themes[0]?.theme,
      topic: input.topic,
      serviceFactor: serviceFactor(masked.text, input.language),
      hasContact: Boolean(input.contact),
      submitter: { userKey: userKey(input.user), address: input.address, language: input.language },
      sourceKey: input.sourceKey,
      createdAt: at,
      // The team, the rule that chose it and the due date are part of the item from its first write.
      assignment: assignmentFor(p.staff, { kind: input.kind, focusArea: input.focusArea, topic: input.topic }, at),
    };
    try {
      const { item: stored, created } = await store(item, input.contact, false);
      return { status: 'stored', item: stored, created };
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const entry: OutboxEntry = {
        id: idFor(input.municipality, input.sourceKey),
        kind: 'feedback',
        item,
        contact: input.contact,
        queuedAt: at,
        attempts: 0,
      };
      await deps.outbox.put(entry);
      deps.onError?.(error, 'suggestion queued in the outbox');
      return { status: 'queued', outboxId: entry.id };
    }
  };

  return {
    tagger,
    corrections,
    async retrain(municipality) {
      const found = await corrections(municipality);
      const retrained = taggerForPack(pack(municipality), deps.themes, found, deps.modelCache);
      taggers.set(municipality, retrained);
      return { corrections: found.length, trainMs: retrained.stats.trainMs };
    },
    focusAreas: (municipality) => pack(municipality).focusAreas,
    focusAreaName(municipality, id) {
      const area = pack(municipality).focusAreas.find((a) => a.id === id);
      return area?.name ?? { sv: id, en: id };
    },

    understand,
    submit,
    async capture(input) {
      // Tagged and topic-ranked as the suggestion dialog would; the similar search is left out (nobody to ask).
      const masked = maskPersonalData(input.text.trim());
      const tag = tagger(input.municipality).tag(masked.text);
      return submit({
        municipality: input.municipality,
        text: masked.text,
        masked: masked.masked,
        kind: input.kind ?? 'suggestion',
        place: input.place,
        language: input.language,
        focusArea: input.focusArea ?? tag.focusArea,
        tag,
        topic: topicOf(input.municipality, masked.text),
        user: input.origin.user,
        address: input.origin.address,
        sourceKey: input.origin.sourceKey,
      });
    },

    async support(municipality, id, user) {
      const item = await deps.store.feedback.addSupport(municipality, id, userKey(user));
      deps.events?.publish({ type: 'supported', item, at: deps.now().toISOString(), by: 'system' });
      return item;
    },

    async mine(municipality, user) {
      // Their own suggestions and those they supported, newest first.
      const [own, supported] = await Promise.all([
        deps.store.feedback.list(municipality, { submitterKey: userKey(user) }),
        deps.store.feedback.supportedBy(municipality, userKey(user)),
      ]);
      const ownIds = new Set(own.map((item) => item.id));
      return [...own, ...supported.filter((item) => !ownIds.has(item.id))].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    async flushOutbox() {
      let written = 0;
      const entries = await deps.outbox.list();
      let waiting = entries.length;
      for (const entry of entries) {
        try {
          // Entries queued before items carried their assignment get it now, in the same one write.
          const item = entry.item.assignment
            ? entry.item
            : { ...entry.item, assignment: assignmentFor(pack(entry.item.municipality).staff, entry.item, entry.item.createdAt) };
          await store(item, entry.contact, true);
          await deps.outbox.remove(entry.id);
          written += 1;
          waiting -= 1;
        } catch (error) {
          if (error instanceof StoreUnavailableError) break;
          deps.onError?.(error, `outbox entry ${entry.id}`);
          await deps.outbox.put({ ...entry, attempts: entry.attempts + 1 });
        }
      }
      return { written, waiting };
    },
  };
}

function mergeMasked(...lists: Array<MaskResult['masked']>): MaskResult['masked'] {
  const counts = new Map<MaskResult['masked'][number]['kind'], number>();
  for (const list of lists) for (const { kind, count } of list) counts.set(kind, (counts.get(kind) ?? 0) + count);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}
