import { Writable } from 'node:stream';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createLogger, type Logger } from '../../src/log';
import { ask, messageActivity, type Replies } from './app';

export type Activity = Replies['activities'][number];

/** The reply kinds (channelData.replyKind) of a turn's replies. */
export function replyKinds(activities: Activity[]): string[] {
  return activities.map((a) => ((a.channelData as Record<string, unknown> | undefined)?.replyKind as string | undefined) ?? '(none)');
}

export interface Button {
  title: string;
  /** What pressing it sends: the text (imBack) and/or a value (messageBack, Action.Submit). */
  text?: string;
  value?: Record<string, unknown>;
}

/** The buttons a user can press in one activity, in the order shown (links that open a page are left out). */
export function buttonsOf(activity: Activity): Button[] {
  const found: Button[] = [];
  for (const attachment of activity.attachments ?? []) {
    const content = attachment.content as Record<string, unknown> | undefined;
    if (!content) continue;
    for (const action of (content.buttons as Array<Record<string, unknown>> | undefined) ?? []) {
      if (action.type === 'imBack') found.push({ title: String(action.title), text: String(action.value) });
      else if (action.type === 'messageBack') {
        found.push({ title: String(action.title), text: typeof action.text === 'string' ? action.text : undefined, value: action.value as Record<string, unknown> });
      }
    }
    for (const action of (content.actions as Array<Record<string, unknown>> | undefined) ?? []) {
      if (action.type !== 'Action.Submit') continue;
      const data = { ...((action.data as Record<string, unknown> | undefined) ?? {}) };
      const msteams = data.msteams as { text?: string } | undefined;
      delete data.msteams;
      found.push({ title: String(action.title), text: msteams?.text, value: data });
    }
  }
  const suggested = (activity.suggestedActions as { actions?: Array<Record<string, unknown>> } | undefined)?.actions ?? [];
  for (const action of suggested) if (action.type === 'imBack') found.push({ title: String(action.title), text: String(action.value) });
  return found;
}

/** Everything the user reads in a turn. */
export function transcriptText(activities: Activity[]): string {
  return activities
    .map((a) => {
      const parts = [a.text ?? ''];
      for (const attachment of a.attachments ?? []) {
        const content = attachment.content as Record<string, unknown> | undefined;
        if (typeof content?.text === 'string' && content.text) parts.push(content.text);
        for (const b of buttonsOf(a)) parts.push(`[${b.title}]`);
      }
      return parts.filter(Boolean).join(' ');
    })
    .join(' | ');
}

/** One user talking to the bot over HTTP (POST /api/messages, deliveryMode expectReplies). */
export class HttpChat {
  private counter = 0;
  last: Activity[] = [];
  readonly conversationId: string;

  constructor(
    private readonly url: string,
    readonly options: { municipality?: string; userId?: string; locale?: string; channelId?: string } = {},
  ) {
    this.conversationId = `conv-${Math.random().toString(36).slice(2)}`;
  }

  async send(text: string | undefined, value?: Record<string, unknown>): Promise<Activity[]> {
    this.counter += 1;
    const activity = messageActivity(text ?? '', {
      id: `act-${this.conversationId}-${this.counter}`,
      channelId: this.options.channelId ?? 'emulator',
      from: { id: this.options.userId ?? `user-${this.conversationId}`, name: 'Anna' },
      conversation: { id: this.conversationId },
      locale: this.options.locale ?? 'sv-SE',
      channelData: { municipality: this.options.municipality ?? 'mora' },
      ...(value ? { value } : {}),
    });
    if (text === undefined) delete activity.text;
    const replies = await ask(this.url, activity);
    if (replies.status !== 200) throw new Error(`POST /api/messages answered ${replies.status}: ${JSON.stringify(replies.body)}`);
    this.last = replies.activities;
    return replies.activities;
  }

  say(text: string): Promise<Activity[]> {
    return this.send(text);
  }

  /** Presses the n-th (1-based) button of the last reply of the previous turn that had buttons. */
  async choose(n: number): Promise<Activity[]> {
    const withButtons = [...this.last].reverse().find((a) => buttonsOf(a).length > 0);
    const button = withButtons ? buttonsOf(withButtons)[n - 1] : undefined;
    if (!button) throw new Error(`no button ${n} in the last reply: ${transcriptText(this.last)}`);
    return this.send(button.text ?? button.title, button.value);
  }
}

/** Every document of every collection, and the counters, in the test app's SQLite file, as one text. */
export function storeDump(dir: string): string {
  const db = new Database(join(dir, 'test.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    const rows: string[] = [];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>) rows.push(`${table}: ${JSON.stringify(row)}`);
    }
    return rows.join('\n');
  } finally {
    db.close();
  }
}

/** Decoded text of the dump (JSON escapes undone), so substrings typed by users can be searched. */
export function storedText(dir: string): string {
  return storeDump(dir)
    .replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\"/g, '"')
    .replace(/\\\\/g, '\\');
}

/** A logger at debug level (where user text would appear) writing into memory. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}
