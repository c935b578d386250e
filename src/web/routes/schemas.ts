/**
 * Output schemas of the staff API: what the dashboard reads, checked against live answers (tests)
 * and published in the generated OpenAPI document.
 */
import { z } from 'zod';
import { feedbackKinds, feedbackStatuses } from '../../domain/feedback/types';
import { languages, localized } from '../../domain/packs/schema';
import { contactRequestSchema, feedbackItemSchema } from '../../store/schemas';

const language = z.enum(languages);
/**
 * A feedback item as staff see it: the stored item (src/store/schemas.ts), with the submitter
 * reduced to language and reachability, whole-number counts, and whether it is overdue.
 */
export const item = feedbackItemSchema.extend({
  masked: z.array(z.object({ kind: z.string(), count: z.number().int() })),
  supports: z.number().int(),
  submitter: z.object({ language, reachable: z.boolean() }),
  overdue: z.boolean(),
  dueAt: z.string(),
});

const readableIn = z.object({ history: z.array(z.string()), assignee: z.string().optional(), reason: z.string().optional(), focusArea: z.string(), status: z.string() });
const readable = z.object({ sv: readableIn, en: readableIn });

export const itemWithReadable = item.extend({ readable });
export const itemDetail = itemWithReadable.extend({ contact: z.object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() }).optional() });

export const inboxPage = z.object({ count: z.number().int(), items: z.array(item), next: z.string().nullable() });

const team = z.object({ id: z.string(), name: localized, description: localized.optional() });
const template = z.object({ id: z.string(), title: localized, text: localized });
export const me = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'handler', 'viewer']),
  municipalities: z.array(z.object({ id: z.string(), name: z.string(), teams: z.array(team), focusAreas: z.array(z.object({ id: z.string(), name: localized })), templates: z.array(template) })),
  topics: z.array(z.object({ id: z.string(), name: z.unknown() })),
  statuses: z.array(z.enum(feedbackStatuses)),
  kinds: z.array(z.enum(feedbackKinds)),
});

/** A contact request as staff see it: name and reach are left out for those who may only see. */
export const contactRequest = contactRequestSchema.extend({
  name: z.string().optional(),
  reach: z.string().optional(),
  submitter: z.object({ language }),
});
export const requests = z.object({ count: z.number().int(), requests: z.array(contactRequest) });

const themeCount = z.object({ theme: z.string(), name: localized, count: z.number().int(), examples: z.array(z.string()) });
export const followUp = z.object({
  municipality: z.string(),
  period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  totals: z.object({ items: z.number().int(), handled: z.number().int(), overdue: z.number().int(), supports: z.number().int() }),
  rows: z.array(
    z.object({
      focusArea: z.string(),
      month: z.string(),
      count: z.number().int(),
      handled: z.number().int(),
      handledShare: z.number(),
      medianDaysToFirstResponse: z.number().nullable(),
      medianDaysToClosure: z.number().nullable(),
      overdue: z.number().int(),
    }),
  ),
  themes: z.array(z.object({ focusArea: z.string(), name: localized, count: z.number().int(), themes: z.array(themeCount) })),
  unanswered: z.array(z.object({ text: z.string().optional(), at: z.string(), language })),
});

const progress = z.object({ joined: z.number().int(), consented: z.number().int(), finished: z.number().int(), answersPerStep: z.record(z.string(), z.number().int()) });
export const focusGroups = z.object({
  municipality: z.string(),
  sessions: z.array(z.object({ id: z.string(), code: z.string(), status: z.enum(['open', 'paused', 'closed']), createdAt: z.string(), title: z.unknown().optional(), facilitator: z.string(), progress })),
});
/** A session's results: the steps' shapes depend on their type (src/domain/focusGroups/results.ts); each has its id and type. */
export const focusGroupResults = z.object({
  session: z.looseObject({ id: z.string(), code: z.string(), municipality: z.string(), status: z.enum(['open', 'paused', 'closed']), facilitator: z.object({ name: z.string() }) }),
  title: z.unknown(),
  progress,
  steps: z.array(z.looseObject({ stepId: z.string().optional(), type: z.string() })),
  focusAreas: z.unknown(),
});

export const retrained = z.object({ corrections: z.number().int(), trainMs: z.number() });
