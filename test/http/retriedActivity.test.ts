import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';

/** A channel that retries an activity it already delivered (its response got lost) gets the same replies again. */
describe('retried activities (expectReplies)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('the same activity id again returns the same replies, and the turn ran once', async () => {
    const activity = messageActivity('Jag har ett förslag: fler cykelställ vid torget', { id: 'retry-1', conversation: { id: 'conv-retry' } });
    const first = await ask(t.url, activity);
    expect(first.status).toBe(200);
    expect(first.activities.length).toBeGreaterThan(0);
    const again = await ask(t.url, activity);
    expect(again.status).toBe(200);
    expect(again.activities).toEqual(first.activities);
    // The dialog went one step only: the next answer continues from the first delivery.
    const next = await ask(t.url, messageActivity('Förslag', { id: 'retry-2', conversation: { id: 'conv-retry' } }));
    expect(visibleText(next.activities)).toMatch(/Jag tolkar det som/);
  });

  it('a retry that arrives while the first is still being handled gets the same replies', async () => {
    const activity = messageActivity('Hur söker jag bygglov?', { id: 'retry-concurrent', conversation: { id: 'conv-retry-2' } });
    const [a, b] = await Promise.all([ask(t.url, activity), ask(t.url, activity)]);
    expect(a.activities.length).toBeGreaterThan(0);
    expect(b.activities).toEqual(a.activities);
  });

  it('the same activity id in another conversation is a different activity', async () => {
    const one = await ask(t.url, messageActivity('Hur söker jag bygglov?', { id: 'same-id', conversation: { id: 'conv-x' } }));
    const other = await ask(t.url, messageActivity('how do I get a licence to serve alcohol?', { id: 'same-id', conversation: { id: 'conv-y' } }));
    expect(visibleText(other.activities)).not.toEqual(visibleText(one.activities));
    expect(visibleText(other.activities)).toMatch(/alcohol|serving licence/i);
  });
});
