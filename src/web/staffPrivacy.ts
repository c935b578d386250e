/**
 * A submitter's rights on the staff API (admins only): by the reference of one of their suggestions or
 * contact requests, an extract of what is stored about them (GDPR art. 15) and erasure of what is
 * not needed as a public record (art. 17).
 *   GET  /api/staff/privacy/:municipality/:reference        extract
 *   POST /api/staff/privacy/:municipality/:reference/erase  erasure (history entries on every record)
 */
import { z } from 'zod';
import type { PrivacyRights } from '../domain/privacy/rights';
import { StaffAccessError } from '../domain/staff/service';
import { canSee, type StaffMember } from '../domain/staff/types';
import { route, RouteError, type Authenticator, type Route } from './routes/table';

const params = z.object({ municipality: z.string(), reference: z.string() });

const contact = z.object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() });
const extract = z.object({
  municipality: z.string(),
  userKey: z.string(),
  suggestions: z.array(
    z.object({ reference: z.string(), kind: z.string(), text: z.string(), place: z.string().optional(), status: z.string(), createdAt: z.string(), contact: contact.optional() }),
  ),
  supports: z.array(z.object({ reference: z.string(), text: z.string() })),
  contactRequests: z.array(
    z.object({ reference: z.string(), name: z.string(), company: z.string().optional(), reach: z.string(), question: z.string(), status: z.string(), createdAt: z.string() }),
  ),
  transcripts: z.array(z.object({ conversationId: z.string(), activities: z.number().int() })),
  conversationState: z.array(z.string()),
});
const erased = z.object({
  erased: z.object({
    suggestions: z.number().int(),
    contactDetails: z.number().int(),
    supports: z.number().int(),
    contactRequests: z.number().int(),
    transcripts: z.number().int(),
    conversationState: z.number().int(),
  }),
});

const notFound = 'no suggestion or contact request with that reference, or its submitter is already erased';

export function privacyRoutes(auth: Authenticator<StaffMember>, privacy: PrivacyRights): Route[] {
  const subject = async (member: StaffMember, municipality: string, reference: string) => {
    if (!canSee(member, municipality) || member.role !== 'admin') throw new StaffAccessError(`only an admin of ${municipality} may handle a submitter's data`);
    const found = await privacy.subjectOf(municipality, reference);
    if (!found) throw new RouteError(404, 'NotFound', notFound);
    return found;
  };
  return [
    route({
      method: 'get',
      path: '/api/staff/privacy/:municipality/:reference',
      summary: "Extract of what is stored about a submitter (GDPR art. 15), by one of their references (admins)",
      tag: 'privacy',
      auth,
      input: { params },
      responses: { 200: { description: 'the extract', schema: extract }, 404: { description: notFound } },
      handler: async ({ params: p, who }) => ({ status: 200, body: await privacy.extract(await subject(who, p.municipality, p.reference)) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/privacy/:municipality/:reference/erase',
      summary: 'Erases what is not needed as a public record (GDPR art. 17), with history entries (admins)',
      tag: 'privacy',
      auth,
      input: { params },
      responses: { 200: { description: 'what was erased', schema: erased }, 404: { description: notFound } },
      handler: async ({ params: p, who }) => ({ status: 200, body: { erased: await privacy.erase(await subject(who, p.municipality, p.reference), who.id) } }),
    }),
  ];
}
