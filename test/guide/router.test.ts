import { describe, expect, it } from 'vitest';
import { routerFor, ROUTER_THRESHOLDS, trainRouter } from '../../src/domain/guide/router';
import { detectCrisis } from '../../src/domain/guide/crisis';
import { testData } from '../helpers/app';

const router = () => {
  const data = testData();
  return routerFor({ shared: data.shared, taxonomyTopics: Object.keys(data.taxonomy.topics), packPhrasings: [] });
};

describe('router', () => {
  it.each([
    ['Hur söker jag serveringstillstånd?', 'alcohol'],
    ['serveringstillståndsansökan', 'alcohol'],
    ['hur soker jag serveringstillstand', 'alcohol'],
    ['servringstilstånd', 'alcohol'],
    ['Behöver jag bygglov för att sätta upp en skylt?', 'building-permit'],
    ['bygglv för altan', 'building-permit'],
    ['How do I register a food business?', 'food'],
    ['Can I sell cigarettes and snus in my shop?', 'tobacco'],
    ['Vi vill ha uteservering på trottoaren i sommar', 'public-space'],
    ['Hur blir jag leverantör till kommunen?', 'procurement'],
    ['vart vänder jag mig, vill prata med företagslotsen', 'business-pilot'],
    ['Kommunen borde ordna fler företagarluncher', 'give-feedback'],
  ])('"%s" → %s', (text, topic) => {
    const result = router().rank(text);
    expect(result.ranked[0]?.topic).toBe(topic);
    expect(result.ranked[0]?.confidence).toBeGreaterThanOrEqual(ROUTER_THRESHOLDS.clarify);
  });

  it('ranks a business start as its scenario intent, under the scenario\'s primary topic', () => {
    const top = router().rank('ska öppna pizzeria, vad behöver jag?').ranked[0];
    expect(top).toMatchObject({ topic: 'food', intent: 'scenario:open-restaurant' });
    expect(top?.confidence).toBeGreaterThanOrEqual(ROUTER_THRESHOLDS.answer);
  });

  it('says which words decided it', () => {
    const top = router().rank('Hur söker jag serveringstillstånd för min restaurang?').ranked[0];
    expect(top?.decidingWords.map((w) => w.toLowerCase())).toContain('serveringstillstånd');
  });

  it('detects the language', () => {
    expect(router().rank('How do I apply for a building permit?').language).toBe('en');
    expect(router().rank('hur ansoker man om bygglov').language).toBe('sv');
  });

  it('has low confidence for small talk and questions outside the packs', () => {
    for (const text of ['hej', 'vad blir det för väder i morgon', 'xyzzy qwerty']) {
      const top = router().rank(text).ranked[0];
      expect(top === undefined || top.confidence < ROUTER_THRESHOLDS.answer).toBe(true);
    }
  });

  it('returns one entry per topic and never more than eight', () => {
    const ranked = router().rank('tillstånd för restaurang med alkohol och uteservering').ranked;
    expect(new Set(ranked.map((r) => r.topic)).size).toBe(ranked.length);
    expect(ranked.length).toBeLessThanOrEqual(8);
  });

  it('trains deterministically: the same phrasings give the same model', () => {
    const data = testData();
    const input = { phrasings: data.shared.phrasings, scenarios: data.shared.scenarios, topics: Object.keys(data.taxonomy.topics) };
    const a = trainRouter(input);
    const b = trainRouter(input);
    for (const text of ['ska öppna pizzeria', 'bygglv för altan', 'I want to sell to the municipality']) expect(b.rank(text)).toEqual(a.rank(text));
  });

  it('refuses to train on fewer than two intents', () => {
    expect(() => trainRouter({ phrasings: [{ intent: 'food', sv: ['mat'], en: [], keywords: [] }], scenarios: [], topics: ['food'] })).toThrow(/two/);
  });
});

describe('crisis detection', () => {
  const crisis = () => testData().shared.crisis;
  it.each(['Jag vill ta livet av mig', 'det brinner i köket!', 'En kund hotar mig just nu', 'I want to kill myself'])('"%s" is a crisis', (text) => {
    expect(detectCrisis(text, crisis())).toBeDefined();
  });
  it.each(['Vad gäller för brandskydd i min restaurang?', 'Hur anmäler jag ett inbrott i butiken i natt?', 'Vi brinner för vårt företag', 'kan du hjälpa mig med bygglov'])(
    '"%s" is not a crisis',
    (text) => {
      expect(detectCrisis(text, crisis())).toBeUndefined();
    },
  );
});
