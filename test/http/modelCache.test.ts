import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ask, messageActivity, testData } from '../helpers/app';
import { parseModel } from '../../src/domain/text/classifier';
import type { ModelHealth } from '../../src/server';

const dir = mkdtempSync(join(tmpdir(), 'fl-app-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (name: string) =>
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SQLITE_PATH: join(dir, `${name}.sqlite`),
    OUTBOX_DIR: join(dir, `${name}-outbox`),
    MODEL_CACHE_DIR: join(dir, 'models'),
  });

/** What /healthz says of the models. */
const models = async (url: string): Promise<ModelHealth> => {
  const response = await fetch(`${url}/healthz`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { models: ModelHealth }).models;
};

describe('start-up with cached models (MODEL_CACHE_DIR)', () => {
  it('the second start loads the models the first one trained, and answers the same', async () => {
    const first = await createApp(config('first'), { data: testData() });
    const url1 = await first.start();
    const question = messageActivity('hur söker jag serveringstillstånd', { conversation: { id: 'c-models' } });
    const before = await ask(url1, question);
    const health1 = await models(url1);
    expect(health1.ready).toBe(true);
    expect(health1.cached).toBe(0);
    expect(health1.trained).toBeGreaterThan(0);
    expect(first.feedback.tagger('mora').stats.cached).toBeUndefined();
    await first.stop();
    const files = readdirSync(join(dir, 'models')).filter((f) => f.endsWith('.model.json'));
    expect(files.length).toBeGreaterThan(0);
    // The conversation-intent classifier (stop, help, …) is cached too, not trained at every start.
    const labelSets = files.map((f) => parseModel(readFileSync(join(dir, 'models', f), 'utf8'))?.labels.join(','));
    expect(labelSets).toContain(Object.keys(testData().shared.conversation?.examples ?? {}).sort().join(','));

    const second = await createApp(config('second'), { data: testData() });
    const url2 = await second.start();
    try {
      // A cache hit is no training: the models the first start trained are found in the cache
      // (the theme layer, trained once per data set and process, is the first start's).
      const health2 = await models(url2);
      expect(health2).toMatchObject({ ready: true, trained: 0 });
      expect(health2.cached).toBeGreaterThan(0);
      // The cached models are read after the server listens (or by the question that needs one).
      await second.retrained();
      expect((await models(url2)).toLoad).toBe(0);
      expect(second.feedback.tagger('mora').stats.cached).toBe(true);
      expect(second.guide.routerStats('mora').cached).toBe(true);
      const after = await ask(url2, { ...question, id: 'another-activity' });
      expect(after.activities.map((a) => a.text)).toEqual(before.activities.map((a) => a.text));
    } finally {
      await second.stop();
    }
    // The first start trains every model (theme layer, routers, taggers, intents): slow on a shared machine.
  }, 120_000);

  it('a changed pack trains only the models it changes (here one tagger); the others come from the cache', async () => {
    const data = testData();
    const changed = {
      ...data,
      packs: new Map(
        [...data.packs].map(([id, pack]) => [
          id,
          id !== 'mora'
            ? pack
            : {
                ...pack,
                focusAreas: pack.focusAreas.map((area, i) =>
                  i === 0 ? { ...area, examples: { ...area.examples, sv: [...area.examples.sv, 'Fler frukostmöten för nya företagare i Mora'] } } : area,
                ),
              },
        ]),
      ),
    };
    const app = await createApp(config('changed'), { data: changed });
    const url = await app.start();
    try {
      const health = await models(url);
      expect(health.trained).toBe(1);
      expect(health.cached).toBeGreaterThan(0);
      expect(app.feedback.tagger('mora').stats.cached).toBeUndefined();
      expect(app.feedback.tagger('hedemora').stats.cached).toBe(true);
      expect(app.guide.routerStats('mora').cached).toBe(true);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('retrains the tagger from staff corrections in the background after it listens', async () => {
    const app = await createApp(config('retrain'), { data: testData() });
    const pack = testData().packs.get('mora')!;
    const { item } = await app.store.feedback.create({
      municipality: 'mora',
      referencePrefix: pack.municipality.referencePrefix,
      kind: 'suggestion',
      text: 'Fler cykelställ vid stationen',
      masked: [],
      language: 'sv',
      focusArea: pack.focusAreas[1]!.id,
      focusConfidence: 1,
      hasContact: false,
      submitter: { userKey: 'test:u', language: 'sv' },
      sourceKey: 'retag-1',
      createdAt: '2026-01-01T10:00:00Z',
    });
    await app.store.feedback.update({ ...item, history: [...item.history, { at: item.createdAt, by: 'staff-1', action: 'retagged', note: 'focusArea' }] });
    const examplesBefore = app.feedback.tagger('mora').stats.examples;
    await app.start();
    try {
      await app.retrained();
      // One re-tag, trained four times (a staff correction outweighs a pack example).
      expect(app.feedback.tagger('mora').stats.examples).toBe(examplesBefore + 4);
    } finally {
      await app.stop();
    }
  });
});
