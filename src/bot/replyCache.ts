/**
 * The replies of handled expectReplies activities, for a short time, keyed by channel, conversation
 * and activity id. A channel that retries an activity (its first response was lost) gets the same
 * replies again instead of an empty 200; a retry that arrives while the first is still being
 * handled waits for it. In memory, per process, bounded in size and age.
 */
export interface CachedReply {
  status: number;
  body: unknown;
}

export class ReplyCache {
  private readonly entries = new Map<string, { at: number; reply: Promise<CachedReply | undefined> }>();

  constructor(
    private readonly ttlMs = 10 * 60 * 1000,
    private readonly maxEntries = 2000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  static key(channelId: string, conversationId: string, activityId: string): string {
    return JSON.stringify([channelId, conversationId, activityId]);
  }

  /** The replies of an earlier delivery of this activity (waiting for it if it is still running). */
  async get(key: string): Promise<CachedReply | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.reply;
  }

  /** Runs the first delivery and keeps what it answered (undefined: nothing to replay, e.g. it failed). */
  run(key: string, work: () => Promise<CachedReply | undefined>): Promise<CachedReply | undefined> {
    const reply = work().catch((error: unknown) => {
      this.entries.delete(key);
      throw error;
    });
    this.entries.set(key, { at: this.now(), reply: reply.then((r) => r, () => undefined) });
    void reply.then(
      (r) => {
        if (!r) this.entries.delete(key);
      },
      () => undefined,
    );
    this.prune();
    return reply;
  }

  private prune(): void {
    const limit = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.at >= limit) break;
      this.entries.delete(key);
    }
  }
}
