import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from '../log';
import type { ActivitySet } from './activities';


interface Subscriber {
  socket: WebSocket;
  /** Until the replay of the transcript has been sent, pushes wait here (kept in order). */
  pending: Array<{ set: ActivitySet; ordinal: number | undefined }> | undefined;
  /** Watermark of the last stored activity this socket has seen. */
  sent: number;
  alive: boolean;
}

const HEARTBEAT_MS = 30_000;

/**
 * The push side of the local Direct Line: open WebSocket streams per conversation. Every new
 * activity of a conversation (the user's echo, the bot's replies, proactive messages) goes to every
 * open stream of that conversation exactly once, after the stream's replay of earlier activities.
 */
export class ActivityStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024, clientTracking: false });
  private readonly byConversation = new Map<string, Set<Subscriber>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Upgrades an HTTP request to a stream of one conversation, replaying what `replay` returns first. */
  accept(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    conversationId: string,
    afterWatermark: number,
    replay: (afterWatermark: number) => Promise<ActivitySet>,
  ): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const subscriber: Subscriber = { socket: ws, pending: [], sent: afterWatermark, alive: true };
      let set = this.byConversation.get(conversationId);
      if (!set) {
        set = new Set();
        this.byConversation.set(conversationId, set);
      }
      set.add(subscriber);
      ws.on('pong', () => {
        subscriber.alive = true;
      });
      // Direct Line clients send empty messages as keep-alives; nothing else is expected.
      ws.on('message', () => {
        subscriber.alive = true;
      });
      ws.on('error', (error) => this.logger.debug({ err: error, conversationId }, 'web chat stream error'));
      ws.on('close', () => {
        const current = this.byConversation.get(conversationId);
        current?.delete(subscriber);
        if (current && current.size === 0) this.byConversation.delete(conversationId);
      });
      replay(afterWatermark).then(
        (history) => {
          if (history.activities.length > 0) this.write(subscriber, history);
          subscriber.sent = Math.max(subscriber.sent, Number(history.watermark) || 0);
          const waiting = subscriber.pending ?? [];
          subscriber.pending = undefined;
          for (const item of waiting) this.deliver(subscriber, item.set, item.ordinal);
        },
        (error: unknown) => {
          this.logger.error({ err: error, conversationId }, 'web chat stream replay failed');
          ws.close(1011, 'replay failed');
        },
      );
    });
  }

  /**
   * Pushes activities to every open stream of the conversation. `ordinal` is the stored watermark
   * of the activity (undefined for what is not stored, such as typing, or for a re-sent update).
   */
  push(conversationId: string, set: ActivitySet, ordinal: number | undefined): void {
    for (const subscriber of this.byConversation.get(conversationId) ?? []) {
      if (subscriber.pending) {
        if (ordinal !== undefined) subscriber.pending.push({ set, ordinal });
        continue;
      }
      this.deliver(subscriber, set, ordinal);
    }
  }

  openStreams(conversationId?: string): number {
    if (conversationId) return this.byConversation.get(conversationId)?.size ?? 0;
    let total = 0;
    for (const set of this.byConversation.values()) total += set.size;
    return total;
  }

  /** Closes every stream (graceful shutdown: clients reconnect to the next instance). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const closing: Array<Promise<void>> = [];
    for (const set of this.byConversation.values()) {
      for (const subscriber of set) {
        closing.push(
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              subscriber.socket.terminate();
              resolve();
            }, 1000);
            subscriber.socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            subscriber.socket.close(1001, 'server shutting down');
          }),
        );
      }
    }
    this.byConversation.clear();
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private deliver(subscriber: Subscriber, set: ActivitySet, ordinal: number | undefined): void {
    if (ordinal !== undefined) {
      // Already part of the replay this socket got.
      if (ordinal <= subscriber.sent) return;
      subscriber.sent = ordinal;
    }
    this.write(subscriber, set);
  }

  private write(subscriber: Subscriber, set: ActivitySet): void {
    if (subscriber.socket.readyState !== WebSocket.OPEN) return;
    subscriber.socket.send(JSON.stringify(set));
  }

  private ping(): void {
    for (const set of this.byConversation.values()) {
      for (const subscriber of set) {
        if (!subscriber.alive) {
          subscriber.socket.terminate();
          continue;
        }
        subscriber.alive = false;
        if (subscriber.socket.readyState === WebSocket.OPEN) subscriber.socket.ping();
      }
    }
  }
}
