import type { ContactRequest } from '../feedback/types';

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
