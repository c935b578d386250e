import type { ContactRequest } from '../feedback/types';

/**
 * The e-mail address or phone number a short answer gives ("mejla mej: ola@olasmek.se", "ring
 * 070-123 45 67 efter fem"): the whole answer when it is one, else the one address in it.
 * Undefined when there is none, or more than one kind to choose from in a long text.
 */
export function reachIn(value: string): string | undefined {
  const text = value.trim();
  if (isReachable(text)) return text;
  if (text.split(/\s+/).length > 12) return undefined;
  const emails = text.match(/[^\s@:;,<>()"']+@[^\s@:;,<>()"']+\.[A-Za-z]{2,}/g) ?? [];
  const phones = (text.match(/(?:\+|\b0)[\d\s()-]{6,20}\d/g) ?? []).map((phone) => phone.trim()).filter(isReachable);
  const found = [...emails, ...phones];
  return found.length === 1 ? found[0] : undefined;
}

/** A phone number or e-mail address someone can be reached on (as typed in a chat). */
export function isReachable(value: string): boolean {
  const text = value.trim();
  if (/^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/.test(text)) return true;
  const digits = text.replace(/[\s()+-]/g, '');
  return /^\d{7,15}$/.test(digits) && /^[+0(]/.test(text);
}

/** What staff see of a contact request; without the contact details when they may not act (viewers). */
export type ContactRequestView = Omit<ContactRequest, 'name' | 'reach' | 'company' | 'submitter'> & {
  name?: string;
  reach?: string;
  company?: string;
  submitter: { language: ContactRequest['language'] };
};

export function contactRequestForStaff(request: ContactRequest, withContactDetails: boolean): ContactRequestView {
  const { name, reach, company, submitter, ...rest } = request;
  const view: ContactRequestView = { ...rest, submitter: { language: submitter.language } };
  if (withContactDetails && !request.contactErasedAt) Object.assign(view, { name, reach, company });
  return view;
}

/** The request with its contact details erased (retention, or the submitter's right to erasure); the masked question stays. */
export function withoutContactDetails(request: ContactRequest, at: string, by: string, note: string): ContactRequest {
  return {
    ...request,
    name: '',
    reach: '',
    company: undefined,
    contactErasedAt: at,
    submitter: { userKey: 'erased', language: request.submitter.language },
    updatedAt: at,
    history: [...request.history, { at, by, action: 'note', note }],
  };
}
