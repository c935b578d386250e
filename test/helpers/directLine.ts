import { expect } from 'vitest';
import WebSocket from 'ws';

export interface Activity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  attachments?: unknown[];
  suggestedActions?: unknown;
}
export interface Session {
  token: string;
  conversationId: string;
  userId: string;
  domain: string;
  resumed: boolean;
  municipality: string;
}

/** A Direct Line client as Web Chat's DirectLineJS uses it: token, conversation, WebSocket stream. */
export class Client {
  readonly received: Activity[] = [];
  private socket: WebSocket | undefined;
  private waiters: Array<() => void> = [];
  constructor(
    readonly url: string,
    readonly session: Session,
  ) {}

  static async open(url: string, body: Record<string, unknown> = {}): Promise<Client> {
    const response = await fetch(`${url}/webchat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return new Client(url, (await response.json()) as Session);
  }

  headers(token = this.session.token): Record<string, string> {
    return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }

  async start(): Promise<{ status: number; streamUrl: string }> {
    const response = this.session.resumed
      ? await fetch(`${this.session.domain}/conversations/${this.session.conversationId}`, { headers: this.headers() })
      : await fetch(`${this.session.domain}/conversations`, { method: 'POST', headers: this.headers() });
    const body = (await response.json()) as { streamUrl: string; conversationId: string };
    expect(body.conversationId).toBe(this.session.conversationId);
    this.socket = new WebSocket(body.streamUrl);
    this.socket.on('message', (data) => {
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
      if (!text) return;
      const set = JSON.parse(text) as { activities: Activity[] };
      this.received.push(...set.activities);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    await new Promise<void>((resolve, reject) => {
      this.socket?.once('open', () => resolve());
      this.socket?.once('error', reject);
    });
    return { status: response.status, streamUrl: body.streamUrl };
  }

  async post(activity: Record<string, unknown>): Promise<Response> {
    return fetch(`${this.session.domain}/conversations/${this.session.conversationId}/activities`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ from: { id: 'spoofed-user' }, locale: 'sv-SE', ...activity }),
    });
  }

  /** Waits until an activity matching `predicate` has arrived on the stream. */
  async waitFor(predicate: (a: Activity) => boolean, timeoutMs = 10_000): Promise<Activity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`not received; got: ${JSON.stringify(this.received.map((a) => a.text || JSON.stringify(a.attachments ?? a.type).slice(0, 300)))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.socket?.close();
  }
}


export const fromBot = (a: Activity) => a.from.role === 'bot' || a.from.id === 'foretagslotsen';
export const cardText = (a: Activity) => JSON.stringify(a.attachments ?? []) + (a.text ?? '');
