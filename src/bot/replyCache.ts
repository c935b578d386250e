/**
 * The replies of handled expectReplies activities, for a short time, keyed by channel, conversation
 * and activity id. A channel that retries an activity (its first response was lost) gets the same
 * replies again instead of an empty 200; a retry that arrives while the first is still being
 * handled waits for it. In memory, per process, bounded in count, in size and in age: a reply is
 * kept as its JSON text (a few kB of cards), not as the objects it was built from, and counted as
 * the bytes that text takes in the JS heap (two per character once it holds one past U+00FF, such
 * as ” or –, which most replies do: their UTF-8 length was half of what they took).
 */
/** A turn's answer as sent: its status and its JSON text (undefined: no body). */
export interface CachedReply {
  status: number;
  json: string | undefined;
}

/** The answer of a turn, its body written as JSON once: the same text is sent and kept. */
export function replyOf(status: number, body: unknown): CachedReply {
  return { status, json: body === undefined ? undefined : JSON.stringify(body) };
}

interface Entry {
  at: number;
  /** Bytes of the kept JSON (0 while the first delivery is running). */
  size: number;
  reply: Promise<CachedReply | undefined>;
}

export class ReplyCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly ttlMs = 10 * 60 * 1000,
    private readonly maxEntries = 2000,
    private readonly now: () => number = () => Date.now(),
    /** Most bytes of reply JSON kept in all, as they take in the heap (the oldest go first). */
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  /** Bytes a string takes in V8's heap: one per character while all are Latin-1, else two. */
  static heapBytes(text: string): number {
    return /[\u0100-\uffff]/.test(text) ? 2 * text.length : text.length;
  }

  static key(channelId: string, conversationId: string, activityId: string): string {
    return JSON.stringify([channelId, conversationId, activityId]);
  }

  /** How many replies are kept, and their bytes. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The replies of an earlier delivery of this activity (waiting for it if it is still running). */
  async get(key: string): Promise<CachedReply | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.remove(key, entry);
      return undefined;
    }
    return entry.reply;
  }

  /** Runs the first delivery and keeps what it answered (undefined: nothing to replay, e.g. it failed). */
  run(key: string, work: () => Promise<CachedReply | undefined>): Promise<CachedReply | undefined> {
    const reply = work();
    const entry: Entry = {
      at: this.now(),
      size: 0,
      reply: reply.then(
        (r) => r,
        () => undefined,
      ),
    };
    const earlier = this.entries.get(key);
    if (earlier) this.remove(key, earlier);
    this.entries.set(key, entry);
    const kept = entry.reply.then((kept) => {
      if (this.entries.get(key) !== entry) return;
      if (!kept) {
        this.remove(key, entry);
        return;
      }
      entry.size = ReplyCache.heapBytes(kept.json ?? '') + ReplyCache.heapBytes(key);
      this.bytes += entry.size;
      this.prune();
    });
    this.prune();
    // Answered once the reply is kept (and the cache within its bounds again).
    return Promise.all([reply, kept]).then(([r]) => r);
  }

  private remove(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }

  private prune(): void {
    const limit = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes && entry.at >= limit) break;
      this.remove(key, entry);
    }
  }
}
