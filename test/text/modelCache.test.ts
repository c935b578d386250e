import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classifierFromModel,
  deferredModels,
  loadDeferredModel,
  parseModel,
  serializeModel,
  trainClassifier,
  trainModel,
  trainingKey,
  type LabelExamples,
  type ModelCache,
} from '../../src/domain/text/classifier';
import { createFileModelCache } from '../../src/store/modelCache';
import { createTagger } from '../../src/domain/feedback/tagger';
import { testData } from '../helpers/app';
import { readTexts } from '../../src/bench/app';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-models-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The router's real training data (shared phrasings). */
const routerInput = (): LabelExamples[] =>
  testData().shared.phrasings.map((set) => ({ label: set.intent, examples: [...set.sv, ...set.en], keywords: set.keywords }));

/** Texts with typos, compounds, English, and words the model never saw. */
const probes = (): string[] => [
  ...readTexts(join(__dirname, '..', 'eval', 'routing-dev.jsonl')),
  'serveringstillståndsansökan',
  'servringstilstånd',
  'bygglv för altan',
  'brandsläckarkontroll',
  'xyzzy qwerty',
  '',
];

describe('classifier models on disk', () => {
  it('a model read back from its serialised form classifies exactly like the trained one', () => {
    const model = trainModel(routerInput(), { epochs: 40 });
    const trained = classifierFromModel(model);
    const parsed = parseModel(serializeModel(model));
    expect(parsed).toBeDefined();
    const loaded = classifierFromModel(parsed!, true);
    expect(loaded.labels).toEqual(trained.labels);
    for (const text of probes()) expect(loaded.classify(text)).toStrictEqual(trained.classify(text));
  });

  it('loads the cached model instead of training (a new process, the same folder), with identical classifications', () => {
    const dir = tempDir();
    const input = routerInput();
    const first = trainClassifier(input, { epochs: 40, cache: createFileModelCache(dir) });
    expect(first.stats.cached).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.model.json'))).toHaveLength(1);
    // A fresh cache object over the same folder stands for the next start.
    const second = trainClassifier(input, { epochs: 40, cache: createFileModelCache(dir) });
    expect(second.stats.cached).toBe(true);
    for (const text of probes()) expect(second.classify(text)).toStrictEqual(first.classify(text));
  });

  it('trains again when the examples or the options change (the key is a hash of what the model came from)', () => {
    const input = routerInput();
    const changed = input.map((set, i) => (i === 0 ? { ...set, examples: [...set.examples, 'ett nytt exempel om tillstånd'] } : set));
    expect(trainingKey(changed, { epochs: 40 })).not.toBe(trainingKey(input, { epochs: 40 }));
    expect(trainingKey(input, { epochs: 30 })).not.toBe(trainingKey(input, { epochs: 40 }));
    expect(trainingKey(input, { epochs: 40, ngramWeight: 1 })).not.toBe(trainingKey(input, { epochs: 40 }));
    const dir = tempDir();
    trainClassifier(input, { epochs: 40, cache: createFileModelCache(dir) });
    const other = trainClassifier(changed, { epochs: 40, cache: createFileModelCache(dir) });
    expect(other.stats.cached).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.model.json'))).toHaveLength(2);
  });

  it('ignores a broken model file and trains instead', () => {
    const dir = tempDir();
    const input = routerInput().slice(0, 6);
    writeFileSync(join(dir, `${trainingKey(input)}.model.json`), '{"format":1,"labels":["a"');
    const classifier = trainClassifier(input, { cache: createFileModelCache(dir) });
    expect(classifier.stats.cached).toBeUndefined();
    expect(classifier.labels.length).toBe(new Set(input.map((s) => s.label)).size);
    expect(parseModel('{"format":99}')).toBeUndefined();
  });

  it('shares one classifier between packs whose training data is the same (one training per process)', () => {
    let reads = 0;
    let writes = 0;
    const memory = new Map<string, string>();
    const cache: ModelCache = {
      read: (key) => {
        reads += 1;
        return memory.get(key);
      },
      write: (key, model) => {
        writes += 1;
        memory.set(key, model);
      },
    };
    const areas = testData().packs.get('mora')!.focusAreas;
    const a = createTagger(areas, [], undefined, cache);
    const b = createTagger(areas, [], undefined, cache);
    expect(writes).toBe(1);
    expect(reads).toBe(1);
    expect(b.tag('fler företagarluncher')).toEqual(a.tag('fler företagarluncher'));
  });

  /** A cache in memory that can tell what it holds (as the file cache does), counting its reads and writes. */
  const memoryCache = () => {
    const memory = new Map<string, string>();
    const counts = { reads: 0, writes: 0 };
    const cache: ModelCache = {
      has: (key) => memory.has(key),
      read: (key) => {
        counts.reads += 1;
        return memory.get(key);
      },
      write: (key, model) => {
        counts.writes += 1;
        memory.set(key, model);
      },
    };
    return { cache, counts, memory };
  };

  it('a cached model is read at its first use, not when the classifier is made, and classifies as the trained one', () => {
    const input = routerInput().slice(0, 8);
    const model = trainModel(input);
    const trained = classifierFromModel(model);
    const { cache, counts, memory } = memoryCache();
    memory.set(trainingKey(input), serializeModel(model));
    const lazy = trainClassifier(input, { cache });
    expect(counts.reads).toBe(0);
    expect(lazy.labels).toEqual(trained.labels);
    expect(deferredModels()).toBeGreaterThan(0);
    for (const text of probes()) expect(lazy.classify(text)).toStrictEqual(trained.classify(text));
    expect(counts.reads).toBe(1);
    expect(counts.writes).toBe(0);
    expect(lazy.stats.cached).toBe(true);
  });

  it('loadDeferredModel reads the waiting cached models one at a time, until none is left', () => {
    const { cache, counts, memory } = memoryCache();
    const inputs = [routerInput().slice(0, 5), routerInput().slice(5, 10)];
    for (const input of inputs) memory.set(trainingKey(input), serializeModel(trainModel(input)));
    const classifiers = inputs.map((input) => trainClassifier(input, { cache }));
    expect(counts.reads).toBe(0);
    while (loadDeferredModel());
    expect(deferredModels()).toBe(0);
    expect(counts.reads).toBe(2);
    expect(classifiers.map((c) => c.stats.cached)).toEqual([true, true]);
    // Nothing is read twice: the classifiers were built.
    classifiers[0]!.classify('bygglov');
    expect(counts.reads).toBe(2);
  });

  it('a cached model that turns out unreadable at its first use is trained then, and saved again', () => {
    const { cache, counts, memory } = memoryCache();
    const input = routerInput().slice(0, 6);
    memory.set(trainingKey(input), '{"format":1,"labels":["a"');
    const classifier = trainClassifier(input, { cache });
    expect(counts.writes).toBe(0);
    expect(classifier.classify('bygglov för altan').scored.length).toBe(new Set(input.map((s) => s.label)).size);
    expect(classifier.stats.cached).toBeUndefined();
    expect(counts.writes).toBe(1);
    expect(parseModel(memory.get(trainingKey(input))!)).toBeDefined();
  });
});
