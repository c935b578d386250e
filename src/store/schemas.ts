/**
 * The shape of every stored document, as zod schemas: the repositories (repositories.ts) parse each
 * document they read with these, so nothing read from a store is cast. The domain types stay
 * where they are (the domain reads them); the checks at the end of this file make the compiler
 * fail when a domain type and its schema disagree (a field added to one and not the other), so
 * the two cannot drift.
 */
import { z } from 'zod';
import { languages } from '../domain/packs/schema';
import type { GuideEvent, JsonValue } from '../domain/ports';
import { contactRequestStatuses, feedbackKinds, feedbackStatuses, serviceFactors, type ContactRequest, type FeedbackItem, type NewFeedbackItem, type SubmitterContact } from '../domain/feedback/types';
import { staffRoles, type StaffMember, type TeamChannel } from '../domain/staff/types';
import { sessionStatuses, type FocusSession, type Participation } from '../domain/focusGroups/service';
import type { Answer } from '../domain/focusGroups/results';
import type { OutboxEntry } from '../domain/feedback/outbox';

const language = z.enum(languages);
const jsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));
const address = z.record(z.string(), jsonValue);

const submitter = z.object({ userKey: z.string(), address: address.optional(), language });
const historyEntry = z.object({
  at: z.string(),
  by: z.string(),
  action: z.enum(['created', 'retagged', 'status', 'answered', 'supported', 'assigned', 'duplicate', 'note']),
  from: z.string().optional(),
  to: z.string().optional(),
  note: z.string().optional(),
});
const assignment = z.object({ team: z.string(), reason: z.string(), at: z.string(), dueAt: z.string().optional() });
const handling = {
  submitter,
  sourceKey: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(historyEntry),
  assignment: assignment.optional(),
  assignee: z.string().optional(),
  firstResponseAt: z.string().optional(),
  closedAt: z.string().optional(),
  eTag: z.string().optional(),
};

export const feedbackItemSchema = z.object({
  ...handling,
  id: z.string(),
  reference: z.string(),
  municipality: z.string(),
  kind: z.enum(feedbackKinds),
  text: z.string(),
  masked: z.array(z.object({ kind: z.string(), count: z.number() })),
  place: z.string().optional(),
  language,
  focusArea: z.string(),
  secondaryArea: z.string().optional(),
  focusConfidence: z.number(),
  theme: z.string().optional(),
  topic: z.string().optional(),
  serviceFactor: z.enum(serviceFactors).optional(),
  status: z.enum(feedbackStatuses),
  supports: z.number(),
  hasContact: z.boolean(),
  outcome: z.string().optional(),
  duplicateOf: z.string().optional(),
  contactErasedAt: z.string().optional(),
});

/** A new item as the outbox keeps it while the store is away (NewFeedbackItem). */
export const newFeedbackItemSchema = feedbackItemSchema
  .omit({ id: true, reference: true, status: true, supports: true, updatedAt: true, history: true, eTag: true, assignee: true, firstResponseAt: true, closedAt: true, outcome: true, duplicateOf: true, contactErasedAt: true })
  .extend({ referencePrefix: z.string() });

/** A stored feedback item: the item, and the keys of who supported it (never shown, kept for "one support each"). */
export const storedFeedbackItemSchema = feedbackItemSchema.extend({ supporters: z.array(z.string()).optional() });

export const submitterContactSchema = z.object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() });

/** One file of the local outbox (src/store/outbox.ts). */
export const outboxEntrySchema = z.object({
  id: z.string(),
  kind: z.literal('feedback'),
  item: newFeedbackItemSchema,
  contact: submitterContactSchema.optional(),
  queuedAt: z.string(),
  attempts: z.number(),
});

export const contactRequestSchema = z.object({
  ...handling,
  id: z.string(),
  reference: z.string(),
  municipality: z.string(),
  name: z.string(),
  company: z.string().optional(),
  reach: z.string(),
  question: z.string(),
  topic: z.string().optional(),
  unit: z.string().optional(),
  language,
  consentAt: z.string(),
  status: z.enum(contactRequestStatuses),
  contactErasedAt: z.string().optional(),
});

export const guideEventSchema = z.object({
  id: z.string(),
  municipality: z.string(),
  kind: z.enum(['answered', 'clarified', 'unrecognised', 'helpful', 'not-helpful', 'handoff']),
  text: z.string().optional(),
  topic: z.string().optional(),
  confidence: z.number().optional(),
  language,
  at: z.string(),
});

export const staffMemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(staffRoles),
  municipalities: z.array(z.string()),
  teams: z.array(z.string()),
  aadObjectId: z.string().optional(),
  tokenHash: z.string().optional(),
  createdAt: z.string(),
  disabled: z.boolean().optional(),
});

export const teamChannelSchema = z.object({
  municipality: z.string(),
  team: z.string(),
  address,
  registeredBy: z.string(),
  registeredAt: z.string(),
});

export const focusSessionSchema = z.object({
  id: z.string(),
  code: z.string(),
  templateId: z.string(),
  municipality: z.string(),
  status: z.enum(sessionStatuses),
  facilitator: z.object({ userKey: z.string(), name: z.string(), address: address.optional() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  eTag: z.string().optional(),
});

export const participationSchema = z.object({
  sessionId: z.string(),
  participant: z.string(),
  consentAt: z.string().optional(),
  position: z.number().int().nonnegative(),
  finishedAt: z.string().optional(),
  language,
  answered: z.array(z.string()).optional(),
});

const answerValue = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['open', 'inspel']), text: z.string() }),
  z.object({ kind: z.literal('single'), option: z.string() }),
  z.object({ kind: z.literal('multiple'), options: z.array(z.string()) }),
  z.object({ kind: z.literal('scale'), value: z.number() }),
  z.object({ kind: z.literal('ranking'), order: z.array(z.string()) }),
  z.object({ kind: z.literal('statement-new'), statementId: z.string(), text: z.string() }),
  z.object({ kind: z.literal('vote'), statementId: z.string(), vote: z.enum(['agree', 'disagree', 'pass']) }),
  z.object({ kind: z.literal('skip') }),
]);

export const answerSchema = z.object({ participant: z.string(), stepId: z.string(), value: answerValue, at: z.string() });

/**
 * True only when A and B are the same type (optional fields included), so a field added to a
 * domain type but not to its schema, or the other way round, fails to compile.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the standard exact-type test: T exists only to compare A and B
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Expand<T> = T extends object ? { [K in keyof T]: T[K] } : T;
type Check<A, B> = Same<Expand<A>, Expand<B>>;
const agrees = <T extends true>(value: T): T => value;
export const schemasAgreeWithTheDomain = [
  agrees<Check<z.infer<typeof feedbackItemSchema>, FeedbackItem>>(true),
  agrees<Check<z.infer<typeof submitterContactSchema>, SubmitterContact>>(true),
  agrees<Check<z.infer<typeof newFeedbackItemSchema>, NewFeedbackItem>>(true),
  // (its item is NewFeedbackItem, checked above: an intersection type is never identical to an object type)
  agrees<Check<Omit<z.infer<typeof outboxEntrySchema>, 'item'>, Omit<OutboxEntry, 'item'>>>(true),
  agrees<Check<z.infer<typeof contactRequestSchema>, ContactRequest>>(true),
  agrees<Check<z.infer<typeof guideEventSchema>, GuideEvent>>(true),
  agrees<Check<z.infer<typeof staffMemberSchema>, StaffMember>>(true),
  agrees<Check<z.infer<typeof teamChannelSchema>, TeamChannel>>(true),
  agrees<Check<z.infer<typeof focusSessionSchema>, FocusSession>>(true),
  agrees<Check<z.infer<typeof participationSchema>, Participation>>(true),
  agrees<Check<z.infer<typeof answerSchema>, Answer>>(true),
] as const;
