/**
 * The local Direct Line's transcript: every activity of a web chat conversation, in order, with a
 * watermark (its ordinal), kept in the store so a page reopened later gets its conversation back.
 */
import type { Activity } from 'botbuilder';
import type { DocumentBackend, DocumentCollection } from '../store/documents';
import { maskDeep, maskPersonalData } from '../domain/privacy/mask';

export type DirectLineActivity = Omit<Partial<Activity>, "timestamp"> & { id: string; timestamp?: string };

/** Activities after a watermark, and the watermark after them (as Direct Line sends them). */
export interface ActivitySet {
  activities: DirectLineActivity[];
  watermark: string;
}

const ORDINAL_WIDTH = 7;

/**
 * What is stored (and echoed back) of a user's activity: its text and submitted values with personal
 * data masked, like every other stored text. The turn itself runs on the activity as sent.
 */
export function maskedUserActivity(activity: Partial<Activity>): Partial<Activity> {
  const masked: Partial<Activity> = { ...activity };
  if (typeof activity.text === 'string') masked.text = maskPersonalData(activity.text).text;
  if (activity.value !== undefined) masked.value = maskDeep(activity.value);
  return masked;
}

export class Transcripts {
  private readonly collection: DocumentCollection;

  constructor(private readonly backend: DocumentBackend) {
    this.collection = backend.collection('transcripts');
  }

  static activityId(conversationId: string, ordinal: number): string {
    return `${conversationId}|${String(ordinal).padStart(ORDINAL_WIDTH, '0')}`;
  }

  /** Whether an id is one this transcript gives to an activity of the conversation. */
  static isActivityOf(conversationId: string, activityId: string): boolean {
    const prefix = `${conversationId}|`;
    return activityId.startsWith(prefix) && /^\d+$/.test(activityId.slice(prefix.length));
  }

  /** Stores an activity and returns it with its id, and its ordinal (the new watermark). */
  async append(conversationId: string, activity: Partial<Activity>): Promise<{ activity: DirectLineActivity; ordinal: number }> {
    const ordinal = await this.backend.nextSequence(conversationId, 'transcript');
    const stored: DirectLineActivity = {
      ...(JSON.parse(JSON.stringify(activity)) as Partial<Activity>),
      id: Transcripts.activityId(conversationId, ordinal),
      conversation: { id: conversationId } as Activity['conversation'],
      timestamp: new Date().toISOString(),
    };
    await this.collection.upsert(conversationId, String(ordinal).padStart(ORDINAL_WIDTH, '0'), { ordinal, activity: stored });
    return { activity: stored, ordinal };
  }

  /** Replaces a stored activity (the bot updated a card); resolves undefined when it is unknown. */
  async update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<DirectLineActivity | undefined> {
    const key = activityId.split('|')[1];
    if (!key) return undefined;
    const existing = await this.collection.get(conversationId, key);
    if (!existing) return undefined;
    const ordinal = existing.doc.ordinal as number;
    const stored: DirectLineActivity = {
      ...(JSON.parse(JSON.stringify(activity)) as Partial<Activity>),
      id: activityId,
      conversation: { id: conversationId } as Activity['conversation'],
      timestamp: (existing.doc.activity as DirectLineActivity).timestamp,
    };
    await this.collection.upsert(conversationId, key, { ordinal, activity: stored });
    return stored;
  }

  async after(conversationId: string, watermark: number): Promise<ActivitySet> {
    const all = await this.collection.query(conversationId);
    const rows = all
      .map((row) => ({ ordinal: row.doc.ordinal as number, activity: row.doc.activity as DirectLineActivity }))
      .sort((a, b) => a.ordinal - b.ordinal);
    const last = rows.at(-1)?.ordinal ?? 0;
    return {
      activities: rows.filter((row) => row.ordinal > watermark).map((row) => row.activity),
      watermark: String(Math.max(last, watermark)),
    };
  }

  async count(conversationId: string): Promise<number> {
    return (await this.collection.query(conversationId)).length;
  }

  /** Deletes a conversation's whole transcript; resolves how many activities were deleted. */
  async erase(conversationId: string): Promise<number> {
    const all = await this.collection.query(conversationId);
    for (const row of all) await this.collection.delete(conversationId, String(row.doc.ordinal).padStart(ORDINAL_WIDTH, '0'));
    return all.length;
  }

  async exists(conversationId: string): Promise<boolean> {
    return (await this.collection.query(conversationId, { limit: 1 })).length > 0;
  }
}
