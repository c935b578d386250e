import { z } from 'zod';

/**
 * What a button sends back (activity.value from messageBack, hero card or Adaptive Card submit).
 * Parsed with zod: a value the bot did not send (or an old card) is ignored, not trusted.
 */
export const buttonValueSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('topic'), topic: z.string() }),
  z.object({ action: z.literal('scenario'), scenario: z.string() }),
  z.object({
    action: z.literal('helpful'),
    helpful: z.boolean(),
    topic: z.string().optional(),
    scenario: z.string().optional(),
  }),
  z.object({ action: z.literal('handoff'), topic: z.string().optional() }),
  z.object({ action: z.literal('feedback') }),
  z.object({ action: z.literal('my-suggestions') }),
]);
export type ButtonValue = z.infer<typeof buttonValueSchema>;

export function parseButtonValue(value: unknown): ButtonValue | undefined {
  // A typed message has no value: no schema run (and no ZodError built) for the ordinary case.
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  const parsed = buttonValueSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
