import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, cardText, fromBot } from '../helpers/directLine';
import { storedText } from '../helpers/httpChat';

describe('a crisis text in the web chat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('gets help lines and is not kept in the transcript (a placeholder is echoed)', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    const posted = await client.post({ type: 'message', text: 'jag vill inte leva längre qzx9' });
    const { id } = (await posted.json()) as { id: string };
    const echo = await client.waitFor((a) => a.id === id);
    expect(echo.text).not.toContain('qzx9');
    const help = await client.waitFor((a) => fromBot(a) && /112/.test(cardText(a)));
    expect(help).toBeDefined();
    expect(storedText(t.dir)).not.toContain('qzx9');
    client.close();
  });
});
