import { z } from 'zod';

/**
 * The least an inbound Bot Framework activity must have before the adapter sees it, and the shape of
 * the fields the bot reads (locale, members, entities, attachments). Anything less gets a 400 that
 * says which field is wrong, instead of a turn that crashes (and so clears the conversation's
 * state) or a silent drop.
 */
const account = z.object({ id: z.string().min(1, 'must not be empty') }).loose();
const isoDate = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date-time');

export const inboundActivitySchema = z
  .object({
    type: z.string().min(1, 'must not be empty'),
    id: z.string().optional(),
    channelId: z.string().min(1, 'must not be empty'),
    serviceUrl: z.url({ error: 'expected the channel service URL' }),
    conversation: account,
    from: account,
    recipient: account,
    locale: z.string().max(50, 'expected a locale such as sv-SE').optional(),
    name: z.string().optional(),
    replyToId: z.string().optional(),
    membersAdded: z.array(account).optional(),
    membersRemoved: z.array(account).optional(),
    entities: z.array(z.object({ type: z.string().min(1, 'must not be empty') }).loose()).optional(),
    attachments: z.array(z.object({ contentType: z.string().min(1, 'must not be empty') }).loose()).optional(),
    text: z.string().max(10_000, 'message text longer than 10 000 characters').optional(),
    timestamp: isoDate.optional(),
    localTimestamp: isoDate.optional(),
    deliveryMode: z.enum(['normal', 'notification', 'expectReplies', 'ephemeral']).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export type InboundActivity = z.infer<typeof inboundActivitySchema>;
export type InboundActivityCheck = { ok: true; activity: InboundActivity } | { ok: false; problems: string[] };

export function checkInboundActivity(body: unknown): InboundActivityCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problems: ['the request body must be a JSON object (a Bot Framework activity)'] };
  }
  const parsed = inboundActivitySchema.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? `activity.${issue.path.map(String).join('.')}` : 'activity';
      return `${where}: ${issue.message}`;
    }),
  };
}
