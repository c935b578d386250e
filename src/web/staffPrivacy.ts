/**
 * A submitter's rights on the staff API (admins only): by the reference of one of their suggestions or
 * contact requests, an extract of what is stored about them (GDPR art. 15) and erasure of what is
 * not needed as a public record (art. 17).
 *   GET  /api/staff/privacy/:municipality/:reference        extract
 *   POST /api/staff/privacy/:municipality/:reference/erase  erasure (history entries on every record)
 */
import type { Request, Response, Server } from 'restify';
import type { PrivacyRights } from '../domain/privacy/rights';
import { StaffAccessError } from '../domain/staff/service';
import { canSee, type StaffMember } from '../domain/staff/types';
import { sendError } from '../server';
import { pathParam } from './requestFields';

type Guard = (handler: (req: Request, res: Response, member: StaffMember) => Promise<void>) => (req: Request, res: Response) => Promise<void>;

export function registerStaffPrivacy(server: Server, guard: Guard, privacy: PrivacyRights): void {
  const subject = async (req: Request, res: Response, member: StaffMember) => {
    const municipality = pathParam(req, 'municipality');
    if (!canSee(member, municipality) || member.role !== 'admin') throw new StaffAccessError(`only an admin of ${municipality} may handle a submitter's data`);
    const found = await privacy.subjectOf(municipality, pathParam(req, 'reference'));
    if (!found) sendError(res, 404, 'NotFound', 'no suggestion or contact request with that reference, or its submitter is already erased');
    return found;
  };

  server.get(
    '/api/staff/privacy/:municipality/:reference',
    guard(async (req, res, member) => {
      const found = await subject(req, res, member);
      if (found) res.json(await privacy.extract(found));
    }),
  );

  server.post(
    '/api/staff/privacy/:municipality/:reference/erase',
    guard(async (req, res, member) => {
      const found = await subject(req, res, member);
      if (found) res.json({ erased: await privacy.erase(found, member.id) });
    }),
  );
}
