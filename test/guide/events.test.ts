import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

/** The guide's follow-up events: which decision is recorded as what is the domain's rule (Guide.recordDecision). */
describe('Guide.recordDecision and recordRating', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });
  const events = () => t.app.store.guideEvents.list('hedemora');

  it('records an answer with its topic and confidence, the text masked', async () => {
    const text = 'hur söker jag serveringstillstånd, mitt nummer är 070-765 43 21';
    const decision = t.app.guide.interpret('hedemora', text);
    if (decision.kind !== 'answer') throw new Error(`expected an answer, got ${decision.kind}`);
    await t.app.guide.recordDecision('hedemora', decision, text);
    const found = (await events()).find((e) => e.kind === 'answered' && e.topic === decision.answer.topic);
    expect(found).toMatchObject({ confidence: decision.confidence, language: 'sv' });
    expect(found?.text).not.toContain('070-765 43 21');
  });

  it('records a question back with the first option, and no answer only when there was text', async () => {
    const before = (await events()).length;
    await t.app.guide.recordDecision('hedemora', {
      kind: 'clarify',
      language: 'en',
      options: [{ topic: 'alcohol', confidence: 0.4, title: { sv: 'Alkohol', en: 'Alcohol' } }, { topic: 'food', confidence: 0.3, title: { sv: 'Livsmedel', en: 'Food' } }],
    }, 'licence?');
    await t.app.guide.recordDecision('hedemora', { kind: 'unknown', language: 'sv' }, '');
    await t.app.guide.recordDecision('hedemora', { kind: 'unknown', language: 'sv' }, 'blä');
    const added = (await events()).slice(0, (await events()).length - before);
    expect(added.map((e) => [e.kind, e.topic, e.text]).sort()).toEqual([
      ['clarified', 'alcohol', 'licence?'],
      ['unrecognised', undefined, 'blä'],
    ]);
  });

  it('does not record what is not a guide answer (a crisis, a handoff, small talk)', async () => {
    const before = (await events()).length;
    await t.app.guide.recordDecision('hedemora', { kind: 'crisis', language: 'sv', helpLines: [] }, 'någon hotar mig');
    await t.app.guide.recordDecision('hedemora', { kind: 'handoff', language: 'sv' }, 'prata med en människa');
    expect((await events()).length).toBe(before);
  });

  it('rates a checklist under its primary topic', async () => {
    const decision = t.app.guide.interpret('hedemora', 'jag vill öppna en restaurang');
    if (decision.kind !== 'scenario') throw new Error(`expected a checklist, got ${decision.kind}`);
    await t.app.guide.recordRating('hedemora', { helpful: false, scenario: decision.answer.scenario.id, language: 'sv' });
    const rated = (await events()).filter((e) => e.kind === 'not-helpful');
    expect(rated.map((e) => e.topic)).toContain(decision.answer.scenario.primaryTopic);
  });
});
