/**
 * "Vilka uppgifter har ni om mig?" and "radera mina uppgifter": what is stored about one chat user
 * in one municipality, and the erasure of their contact details and personal data.
 */
import type { ContactRequestRepository, FeedbackRepository } from '../feedback/types';

export interface SubjectDeps {
  feedback: FeedbackRepository;
  contactRequests: ContactRequestRepository;
}

export interface SubjectExtract {
  suggestions: Array<{ reference: string; text: string; status: string; hasContact: boolean }>;
  contactRequests: Array<{ reference: string; name: string; company?: string; reach: string; status: string }>;
}

const ERASED = '(raderat)';

export async function subjectExtract(deps: SubjectDeps, municipality: string, userKey: string): Promise<SubjectExtract> {
  const items = await deps.feedback.list(municipality, { submitterKey: userKey });
  const suggestions = await Promise.all(
    items.map(async (item) => ({
      reference: item.reference,
      text: item.text,
      status: item.status,
      hasContact: (await deps.feedback.getContact(municipality, item.id)) !== undefined,
    })),
  );
  const requests = (await deps.contactRequests.list(municipality, { submitterKey: userKey })).filter((r) => r.name !== ERASED);
  return {
    suggestions,
    contactRequests: requests.map((r) => ({ reference: r.reference, name: r.name, company: r.company, reach: r.reach, status: r.status })),
  };
}

/** Erases the user's contact details on their suggestions and the personal data of their contact requests. */
export async function eraseSubject(deps: SubjectDeps, municipality: string, userKey: string): Promise<{ contacts: number; requests: number }> {
  let contacts = 0;
  for (const item of await deps.feedback.list(municipality, { submitterKey: userKey })) {
    if (await deps.feedback.getContact(municipality, item.id)) {
      await deps.feedback.deleteContact(municipality, item.id);
      contacts += 1;
    }
  }
  let requests = 0;
  for (const request of await deps.contactRequests.list(municipality, { submitterKey: userKey })) {
    if (request.name === ERASED) continue;
    await deps.contactRequests.update({ ...request, name: ERASED, company: undefined, reach: ERASED, question: ERASED });
    requests += 1;
  }
  return { contacts, requests };
}
