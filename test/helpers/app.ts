import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppContext, type AppOverrides } from '../../src/app';
import { loadConfig } from '../../src/config';
import { loadDataSet, type DataSet } from '../../src/domain/packs/loader';

let sharedData: DataSet | undefined;
/** The real data packs, loaded once per test file (they are read-only). */
export function testData(): DataSet {
  sharedData ??= loadDataSet(join(__dirname, '..', '..', 'data'));
  return sharedData;
}

export interface TestApp {
  app: AppContext;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** The whole app on a free port with its own SQLite file in a temp directory. */
export async function startTestApp(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-app-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SQLITE_PATH: join(dir, 'test.sqlite'),
    OUTBOX_DIR: join(dir, 'outbox'),
    ...env,
  });
  const app = await createApp(config, { data: testData(), checkResponses: true, ...overrides });
  const url = await app.start();
  return {
    app,
    url,
    dir,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Bot Framework message activity as a channel would POST it. */
export function messageActivity(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `act-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/unused',
    from: { id: 'user-1', name: 'Anna' },
    recipient: { id: 'bot', name: 'Företagslotsen' },
    conversation: { id: 'conv-1' },
    text,
    locale: 'sv-SE',
    ...extra,
  };
}

export interface Replies {
  status: number;
  activities: Array<Record<string, unknown> & { text?: string; attachments?: Array<{ contentType: string; content: unknown }> }>;
  body: unknown;
}

/** POSTs an activity with deliveryMode expectReplies and returns the bot's replies. */
export async function ask(url: string, activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Replies> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ deliveryMode: 'expectReplies', ...activity }),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  const activities = (body as { activities?: Replies['activities'] } | undefined)?.activities ?? [];
  return { status: response.status, activities, body };
}

/** Everything a user would read in the replies: texts and the texts inside Adaptive Cards. */
export function visibleText(activities: Replies['activities']): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'text' || key === 'title' || key === 'value') && typeof value === 'string') parts.push(value);
        else walk(value);
      }
    }
  };
  for (const activity of activities) {
    if (activity.text) parts.push(activity.text);
    walk(activity.attachments ?? []);
  }
  return parts.join('\n');
}
