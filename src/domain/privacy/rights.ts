/**
 * A submitter's rights under GDPR art. 15 (access: an extract of what is stored about them) and
 * art. 17 (erasure), within what offentlighetsprincipen allows: a suggestion sent to the municipality
 * is a public record (allmän handling), so its masked text, focus area, status and history stay; what
 * is not needed for the record is erased: contact details, the link to the chat user, contact
 * requests' name/company/phone/e-mail, supports' user keys, web chat transcripts and conversation state.
 * Every erased record gets a history entry (the audit trail staff see).
 *
 * A subject is a user key (`channel:user id`) in one municipality, with the conversations it used.
 */
import type { ContactRequest, ContactRequestRepository, FeedbackRepository, SubmitterContact } from '../feedback/types';
import type { KeyValueStore } from '../ports';
import { withoutContactDetails } from '../guide/contactRequest';

/** A conversation's stored transcript (the built-in web chat keeps one). */
export interface TranscriptPort {
  count(conversationId: string): Promise<number>;
  erase(conversationId: string): Promise<number>;
}

export interface Conversation {
  channelId: string;
  conversationId: string;
}

export interface Subject {
  municipality: string;
  /** `channelId:userId`, as items and requests record their submitter. */
  userKey: string;
  /** Conversations known besides those recorded on the items (the current chat). */
  conversations: Conversation[];
}

export interface PrivacyExtract {
  municipality: string;
  userKey: string;
  suggestions: Array<{
    reference: string;
    kind: string;
    text: string;
    place?: string;
    status: string;
    createdAt: string;
    contact?: SubmitterContact;
  }>;
  supports: Array<{ reference: string; text: string }>;
  contactRequests: Array<{
    reference: string;
    name: string;
    company?: string;
    reach: string;
    question: string;
    status: string;
    createdAt: string;
  }>;
  transcripts: Array<{ conversationId: string; activities: number }>;
  /** Keys of stored bot state for the subject's conversations and user (session, dialog state). */
  conversationState: string[];
}

export interface ErasureResult {
  /** Suggestions kept as public records, with contact details and the link to the user erased. */
  suggestions: number;
  contactDetails: number;
  supports: number;
  contactRequests: number;
  transcripts: number;
  conversationState: number;
}

export interface PrivacyRightsDeps {
  store: { feedback: FeedbackRepository; contactRequests: ContactRequestRepository; kv: KeyValueStore };
  transcripts?: TranscriptPort;
  now: () => Date;
}

export interface PrivacyRights {
  /** The submitter of a suggestion or contact request with this reference; undefined when unknown or already erased. */
  subjectOf(municipality: string, reference: string): Promise<Subject | undefined>;
  extract(subject: Subject): Promise<PrivacyExtract>;
  /** Erases what is not needed as a public record; `by` is the staff id or 'submitter'. */
  erase(subject: Subject, by: string): Promise<ErasureResult>;
}

const ERASED_NOTE = 'personal data erased at the request of the submitter (GDPR art. 17); the masked text is kept as a public record';

function conversationOf(address: Record<string, unknown> | undefined): Conversation | undefined {
  const conversation = address?.conversation;
  const channelId = address?.channelId;
  if (!conversation || typeof conversation !== 'object' || Array.isArray(conversation) || typeof channelId !== 'string') return undefined;
  const id = (conversation as Record<string, unknown>).id;
  return typeof id === 'string' ? { channelId, conversationId: id } : undefined;
}

export function createPrivacyRights(deps: PrivacyRightsDeps): PrivacyRights {
  const { feedback, contactRequests, kv } = deps.store;

  const gather = async (subject: Subject) => {
    const own = await feedback.list(subject.municipality, { submitterKey: subject.userKey });
    const requests = await contactRequests.list(subject.municipality, { submitterKey: subject.userKey });
    const supported = await feedback.supportedBy(subject.municipality, subject.userKey);
    const conversations = new Map<string, Conversation>();
    const add = (c: Conversation | undefined) => {
      if (c) conversations.set(`${c.channelId}/${c.conversationId}`, c);
    };
    subject.conversations.forEach(add);
    for (const record of [...own, ...requests]) add(conversationOf(record.submitter.address));
    const [channelId, ...rest] = subject.userKey.split(':');
    const stateKeys = [...conversations.values()].map((c) => `${c.channelId}/conversations/${c.conversationId}`);
    if (channelId && rest.length > 0) stateKeys.push(`${channelId}/users/${rest.join(':')}`);
    return { own, requests, supported, conversations: [...conversations.values()], stateKeys };
  };

  return {
    async subjectOf(municipality, reference) {
      const item = await feedback.getByReference(municipality, reference);
      const request = item ? undefined : await contactRequests.getByReference(municipality, reference);
      const record = item ?? request;
      if (!record || record.submitter.userKey === 'erased') return undefined;
      return { municipality, userKey: record.submitter.userKey, conversations: [] };
    },

    async extract(subject) {
      const found = await gather(subject);
      const suggestions = [];
      for (const item of found.own) {
        const contact = item.hasContact ? await feedback.getContact(subject.municipality, item.id) : undefined;
        suggestions.push({
          reference: item.reference,
          kind: item.kind,
          text: item.text,
          place: item.place,
          status: item.status,
          createdAt: item.createdAt,
          contact,
        });
      }
      const transcripts = [];
      for (const c of found.conversations) {
        const activities = deps.transcripts ? await deps.transcripts.count(c.conversationId) : 0;
        if (activities > 0) transcripts.push({ conversationId: c.conversationId, activities });
      }
      const state = await kv.read(found.stateKeys);
      return {
        municipality: subject.municipality,
        userKey: subject.userKey,
        suggestions,
        supports: found.supported.map((item) => ({ reference: item.reference, text: item.text })),
        contactRequests: found.requests
          .filter((r: ContactRequest) => !r.contactErasedAt)
          .map((r) => ({ reference: r.reference, name: r.name, company: r.company, reach: r.reach, question: r.question, status: r.status, createdAt: r.createdAt })),
        transcripts,
        conversationState: Object.keys(state),
      };
    },

    async erase(subject, by) {
      const found = await gather(subject);
      const at = deps.now().toISOString();
      const result: ErasureResult = { suggestions: 0, contactDetails: 0, supports: 0, contactRequests: 0, transcripts: 0, conversationState: 0 };
      for (const item of found.own) {
        if (item.hasContact) {
          await feedback.deleteContact(subject.municipality, item.id);
          result.contactDetails += 1;
        }
        await feedback.update({
          ...item,
          hasContact: false,
          contactErasedAt: item.hasContact ? at : item.contactErasedAt,
          submitter: { userKey: 'erased', language: item.submitter.language },
          updatedAt: at,
          history: [...item.history, { at, by, action: 'note', note: ERASED_NOTE }],
        });
        result.suggestions += 1;
      }
      for (const item of found.supported) {
        await feedback.forgetSupporter(subject.municipality, item.id, subject.userKey);
        result.supports += 1;
      }
      for (const request of found.requests) {
        if (request.contactErasedAt) continue;
        await contactRequests.update(withoutContactDetails(request, at, by, ERASED_NOTE.replace('the masked text', 'the masked question')));
        result.contactRequests += 1;
      }
      if (deps.transcripts) {
        for (const c of found.conversations) if ((await deps.transcripts.erase(c.conversationId)) > 0) result.transcripts += 1;
      }
      const present = Object.keys(await kv.read(found.stateKeys));
      if (present.length > 0) await kv.delete(present);
      result.conversationState = present.length;
      return result;
    },
  };
}
