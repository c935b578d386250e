import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataSet } from '../../src/domain/packs/loader';
import { LOOKUP_BUDGET, trainClassifier } from '../../src/domain/text/classifier';
import { madeUpText } from '../../src/cli/classifierWork';

const data = loadDataSet(join(__dirname, '..', '..', 'data'));
const classifier = trainClassifier(
  data.shared.phrasings.map((set) => ({ label: set.intent, examples: [...set.sv, ...set.en], keywords: set.keywords })),
  { epochs: 40 },
);

describe('the classifier bounds its typo and compound search per message', () => {
  it('4 000 characters of made-up words take at most LOOKUP_BUDGET candidate lookups', () => {
    const text = madeUpText(4000);
    const bounded = classifier.classify(text);
    expect(bounded.lookups).toBeLessThanOrEqual(LOOKUP_BUDGET);
    // Without the budget the same text would need several times as many.
    expect(classifier.classify(text, Infinity).lookups).toBeGreaterThan(3 * LOOKUP_BUDGET);
  });

  it('a normal question with a typo and a compound stays far inside the budget and is still understood', () => {
    const result = classifier.classify('hur söker jag bygglvo för en altan? serveringstillståndsansökan');
    expect(result.lookups).toBeGreaterThan(0);
    expect(result.lookups).toBeLessThan(LOOKUP_BUDGET / 2);
    expect(result.scored[0]?.label).toBe('building-permit');
  });
});
