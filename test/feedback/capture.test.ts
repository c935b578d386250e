import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

/** FeedbackService.capture: understand → submit in one step, for the surfaces that do not ask back. */
describe('FeedbackService.capture', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });
  const origin = (key: string) => ({ user: { channelId: 'test', userId: `u-${key}` }, sourceKey: `capture:${key}` });

  it('masks, tags with the tagger, ranks a topic and routes the item in its one write', async () => {
    const text = 'Snöröjningen på industriområdet vid Noret kommer alltid sist, ring mig på 070-123 45 67';
    const result = await t.app.feedback.capture({ municipality: 'mora', text, language: 'sv', origin: origin('a') });
    if (result.status !== 'stored') throw new Error(`not stored: ${result.status}`);
    const stored = await t.app.store.feedback.get('mora', result.item.id);
    expect(stored?.text).not.toContain('070-123 45 67');
    expect(stored?.masked).toEqual([{ kind: 'phone', count: 1 }]);
    expect(stored?.focusArea).toBe(t.app.feedback.tagger('mora').tag(stored?.text ?? '').focusArea);
    expect(stored?.assignment?.team).toBeTruthy();
    expect(stored?.kind).toBe('suggestion');
  });

  it('keeps the focus area the sender chose, and the tagger’s best as the secondary one', async () => {
    const text = 'Fler praktikplatser för gymnasieelever på småföretagen vore bra';
    const best = t.app.feedback.tagger('mora').tag(text).focusArea;
    const chosen = t.app.feedback.focusAreas('mora').find((a) => a.id !== best)?.id ?? '';
    const result = await t.app.feedback.capture({ municipality: 'mora', text, language: 'sv', focusArea: chosen, place: 'Mora centrum', origin: origin('b') });
    if (result.status !== 'stored') throw new Error('not stored');
    expect(result.item).toMatchObject({ focusArea: chosen, secondaryArea: best, focusConfidence: 1, place: 'Mora centrum' });
  });

  it('creates one item per source key, however often the same delivery comes', async () => {
    const input = { municipality: 'mora', text: 'Bättre skyltning till återvinningscentralen för företag', language: 'sv' as const, origin: origin('c') };
    const [first, second] = await Promise.all([t.app.feedback.capture(input), t.app.feedback.capture(input)]);
    if (first.status !== 'stored' || second.status !== 'stored') throw new Error('not stored');
    expect(second.item.id).toBe(first.item.id);
    expect([first.created, second.created].filter(Boolean)).toHaveLength(1);
  });

  it('refuses a focus area the municipality does not have', async () => {
    await expect(t.app.feedback.capture({ municipality: 'mora', text: 'Något om vägarna', language: 'sv', focusArea: 'no-such-area', origin: origin('d') })).rejects.toThrow(/not a focus area/);
  });
});
