import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  classifyStatement,
  setCosine,
  summarise,
  toCsv,
  type Answer,
  type AnswerValue,
  type StepResult,
} from '../../src/domain/focusGroups/results';
import { dialogueTemplate, loadTemplates, type DialogueTemplate } from '../../src/domain/focusGroups/template';
import { createThemeLayer } from '../../src/domain/themes/layer';
import { testData } from '../helpers/app';

const q = (sv: string) => ({ sv, en: sv });
const option = (id: string) => ({ id, label: q(id.toUpperCase()) });

const template: DialogueTemplate = dialogueTemplate.parse({
  id: 'test-dialogue',
  title: q('Testdialog'),
  purpose: q('Test'),
  municipality: 'all',
  consent: q('Svaren är anonyma.'),
  steps: [
    { type: 'info', id: 'intro', text: q('Välkommen') },
    { type: 'scale', id: 'sat', question: q('Hur nöjd?'), min: 1, max: 5, minLabel: q('Inte'), maxLabel: q('Mycket') },
    { type: 'single', id: 'size', question: q('Storlek?'), options: [option('a'), option('b'), option('c')] },
    { type: 'multiple', id: 'pains', question: q('Problem?'), options: [option('x'), option('y'), option('z')] },
    { type: 'ranking', id: 'prio', question: q('Rangordna'), items: [option('r1'), option('r2'), option('r3')] },
    { type: 'ranking', id: 'focus', question: q('Rangordna fokusområdena'), source: 'focus-areas' },
    {
      type: 'statements',
      id: 'claims',
      question: q('Håller du med?'),
      seed: [q('Service är bra'), q('Handläggningen är snabb'), q('Upphandlingen är rättvis')],
      allowNew: true,
    },
    { type: 'open', id: 'live', question: q('Vad skulle få fler att vilja bosätta sig här?') },
    { type: 'inspel', id: 'tip', question: q('Har du ett förslag?') },
  ],
});

// Participant ids that must never show in results or CSV.
const P = ['pid-alfa', 'pid-bravo', 'pid-charlie', 'pid-delta', 'pid-echo', 'pid-foxtrot', 'pid-golf'] as const;
const [p1, p2, p3, p4, p5, p6, p7] = P;

/** An answer at 2025-03-01 09:mm. */
function a(participant: string, stepId: string, value: AnswerValue, minute: number): Answer {
  return { participant, stepId, value, at: new Date(Date.UTC(2025, 2, 1, 9, minute)).toISOString() };
}
const skip: AnswerValue = { kind: 'skip' };
const scale = (value: number): AnswerValue => ({ kind: 'scale', value });
const single = (id: string): AnswerValue => ({ kind: 'single', option: id });
const multiple = (...ids: string[]): AnswerValue => ({ kind: 'multiple', options: ids });
const ranking = (...order: string[]): AnswerValue => ({ kind: 'ranking', order });
const vote = (statementId: string, v: 'agree' | 'disagree' | 'pass'): AnswerValue => ({ kind: 'vote', statementId, vote: v });
const open = (text: string): AnswerValue => ({ kind: 'open', text });

const answers: Answer[] = [
  // scale: p1 answers 2 and later 5 (listed first, but later in time), p6 answers 4 then skips.
  a(p1, 'sat', scale(5), 30),
  a(p1, 'sat', scale(2), 1),
  a(p2, 'sat', scale(4), 2),
  a(p3, 'sat', scale(2), 3),
  a(p4, 'sat', scale(3), 4),
  a(p5, 'sat', skip, 5),
  a(p6, 'sat', scale(4), 6),
  a(p6, 'sat', skip, 7),
  a(p7, 'sat', scale(9), 8), // outside the scale: left out
  // single: p2 changes c → a, p4 skips, p5 names an option that does not exist.
  a(p1, 'size', single('a'), 10),
  a(p2, 'size', single('c'), 10),
  a(p2, 'size', single('a'), 11),
  a(p3, 'size', single('b'), 12),
  a(p4, 'size', skip, 12),
  a(p5, 'size', single('zzz'), 12),
  // multiple
  a(p1, 'pains', multiple('x', 'y'), 13),
  a(p2, 'pains', multiple('y'), 13),
  a(p3, 'pains', multiple('y', 'z', 'y'), 13),
  a(p4, 'pains', { kind: 'scale', value: 3 }, 13), // wrong kind: left out
  // ranking of three items: p3 ranks only r2, p4 changes its mind.
  a(p1, 'prio', ranking('r1', 'r2', 'r3'), 14),
  a(p2, 'prio', ranking('r2', 'r1', 'r3'), 14),
  a(p3, 'prio', ranking('r2'), 14),
  a(p4, 'prio', ranking('r3', 'r2', 'r1'), 14),
  a(p4, 'prio', ranking('r1', 'r3', 'r2'), 15),
  a(p5, 'prio', skip, 15),
  // focus-area ranking, items given at runtime; mora.zzz is not one of them.
  a(p1, 'focus', ranking('mora.zzz', 'mora.a', 'mora.b'), 16),
  a(p2, 'focus', ranking('mora.b', 'mora.c', 'mora.a'), 16),
  // statements
  ...[p1, p2, p3, p4].map((p) => a(p, 'claims', vote('seed-1', 'agree'), 20)),
  a(p5, 'claims', vote('seed-1', 'agree'), 20),
  a(p5, 'claims', vote('seed-1', 'disagree'), 21), // p5 changes to disagree
  a(p6, 'claims', vote('seed-1', 'pass'), 20),
  a(p6, 'claims', skip, 22), // voted, so not counted as a skip
  ...[p1, p2, p3].map((p) => a(p, 'claims', vote('seed-2', 'disagree'), 20)),
  a(p4, 'claims', vote('seed-2', 'pass'), 20),
  a(p1, 'claims', vote('seed-3', 'agree'), 20),
  a(p2, 'claims', vote('seed-3', 'disagree'), 20),
  a(p3, 'claims', vote('seed-3', 'agree'), 20),
  a(p4, 'claims', vote('seed-3', 'disagree'), 20),
  // p2 proposes a statement (its runtime id holds p2's id) and rewords it; two others agree.
  a(p2, 'claims', { kind: 'statement-new', statementId: `${p2}-s1`, text: 'Fler företagsfrukostar' }, 23),
  a(p2, 'claims', { kind: 'statement-new', statementId: `${p2}-s1`, text: 'Ordna fler företagsfrukostar' }, 24),
  a(p1, 'claims', vote(`${p2}-s1`, 'agree'), 25),
  a(p3, 'claims', vote(`${p2}-s1`, 'agree'), 25),
  a(p3, 'claims', vote('no-such-statement', 'agree'), 25), // left out
  a(p7, 'claims', skip, 25),
  // open: p6 first wrote something else; a phone number must not reach the results.
  a(p1, 'live', open('Fler bostäder och hyresrätter i centrum behövs'), 40),
  a(p2, 'live', open('Bostäder för nyanställda är svårt att hitta'), 41),
  a(p3, 'live', open('Bättre pendling med tåg till Falun'), 42),
  a(p4, 'live', open('Fler tåg och bussar för pendling på kvällar'), 43),
  a(p5, 'live', open('Hyresrätter saknas, vi förlorar rekryteringar'), 44),
  a(p6, 'live', open('Något helt annat om golfbanor'), 45),
  a(p6, 'live', open('Ring mig på 070-123 45 67 om bostäder'), 46),
  a(p7, 'live', skip, 47),
  a(p7, 'live', open('   '), 48), // empty: left out, the skip stands
  // inspel, and an answer to a step the template does not have
  a(p1, 'tip', { kind: 'inspel', text: 'Skyltning till industriområdet, "Norra", behövs' }, 50),
  a(p2, 'tip', skip, 50),
  a(p3, 'unknown-step', open('ignored'), 50),
];

function find<K extends StepResult['type']>(results: StepResult[], stepId: string, ...types: K[]): Extract<StepResult, { type: K }> {
  const wanted: readonly string[] = types;
  const result = results.find((r): r is Extract<StepResult, { type: K }> => r.stepId === stepId && wanted.includes(r.type));
  if (!result) throw new Error(`no ${types.join('/')} result for ${stepId}`);
  return result;
}

const focusItems = { focus: [option('mora.a'), option('mora.b'), option('mora.c')] };
const results = summarise(template, answers, { rankingItems: focusItems, themes: createThemeLayer(testData().shared.themes, testData().shared.themeCorpus) });

describe('summarise', () => {
  it('returns one result per question step in order (info left out)', () => {
    expect(results.map((r) => r.stepId)).toEqual(['sat', 'size', 'pains', 'prio', 'focus', 'claims', 'live', 'tip']);
  });

  it('scale: latest answer wins, skips counted, out-of-range left out; mean, median, population sd', () => {
    const sat = find(results, 'sat', 'scale');
    // Counted values: p1 5 (not 2), p2 4, p3 2, p4 3. p5 and p6 skipped; p7's 9 is outside 1–5.
    // mean = 14 / 4 = 3.5; median of 2 3 4 5 = (3 + 4) / 2 = 3.5;
    // sd = sqrt((1.5² + 0.5² + 1.5² + 0.5²) / 4) = sqrt(5 / 4) = 1.1180…
    expect(sat.n).toBe(4);
    expect(sat.skips).toBe(2);
    expect(sat.mean).toBeCloseTo(3.5, 10);
    expect(sat.median).toBeCloseTo(3.5, 10);
    expect(sat.sd).toBeCloseTo(Math.sqrt(1.25), 10);
    expect(sat.distribution.map((d) => [d.value, d.count])).toEqual([
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
    expect(sat.distribution[1]?.share).toBeCloseTo(0.25, 10);
  });

  it('scale: odd count median, and no answers', () => {
    const three = summarise(template, [a(p1, 'sat', scale(1), 1), a(p2, 'sat', scale(5), 1), a(p3, 'sat', scale(2), 1)]);
    const sat = find(three, 'sat', 'scale');
    // 1 2 5: median 2, mean 8/3, sd = sqrt(((-5/3)² + (-2/3)² + (7/3)²) / 3) = sqrt((78/9) / 3) = sqrt(78/27) ≈ 1.6997
    expect(sat.median).toBe(2);
    expect(sat.mean).toBeCloseTo(8 / 3, 10);
    expect(sat.sd).toBeCloseTo(Math.sqrt(78 / 27), 10);
    expect(sat.sd).toBeCloseTo(1.6997, 4);
    const none = find(summarise(template, []), 'sat', 'scale');
    expect([none.n, none.mean, none.median, none.sd]).toEqual([0, null, null, null]);
  });

  it('single choice: counts and shares of respondents, skips', () => {
    const size = find(results, 'size', 'single', 'multiple');
    // p1 a, p2 a (changed from c), p3 b; p4 skipped; p5's "zzz" is not an option.
    expect(size.respondents).toBe(3);
    expect(size.skips).toBe(1);
    expect(size.options.map((o) => [o.id, o.count])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 0],
    ]);
    expect(size.options[0]?.share).toBeCloseTo(2 / 3, 10);
    expect(size.options[2]?.share).toBe(0);
    expect(size.options[0]?.label).toEqual(q('A'));
  });

  it('multiple choice: an option counts once per respondent; shares of respondents', () => {
    const pains = find(results, 'pains', 'single', 'multiple');
    expect(pains.respondents).toBe(3);
    expect(pains.skips).toBe(0);
    expect(pains.options.map((o) => [o.id, o.count])).toEqual([
      ['x', 1],
      ['y', 3],
      ['z', 1],
    ]);
    expect(pains.options[1]?.share).toBe(1);
  });

  it('ranking: Borda count with 3 items (2, 1, 0 points; left out 0), average position, sorted', () => {
    const prio = find(results, 'prio', 'ranking');
    // p1 r1 r2 r3 → r1 2, r2 1, r3 0
    // p2 r2 r1 r3 → r2 2, r1 1, r3 0
    // p3 r2       → r2 2
    // p4 r1 r3 r2 (latest) → r1 2, r3 1, r2 0
    // r1 = 5, r2 = 5, r3 = 1. Tie broken by average position: r1 (1+2+1)/3 = 4/3, r2 (2+1+1+3)/4 = 7/4.
    expect(prio.n).toBe(4);
    expect(prio.skips).toBe(1);
    expect(prio.items.map((i) => [i.id, i.points])).toEqual([
      ['r1', 5],
      ['r2', 5],
      ['r3', 1],
    ]);
    expect(prio.items[0]?.averagePosition).toBeCloseTo(4 / 3, 10);
    expect(prio.items[1]?.averagePosition).toBeCloseTo(7 / 4, 10);
    expect(prio.items[2]?.averagePosition).toBeCloseTo(8 / 3, 10);
    expect(prio.items.map((i) => [i.rankedBy, i.firstPlaces])).toEqual([
      [3, 2],
      [4, 2],
      [3, 0],
    ]);
  });

  it('ranking from focus areas: items given at runtime, unknown ids left out', () => {
    const focus = find(results, 'focus', 'ranking');
    // p1 (mora.zzz dropped) a b → a 2, b 1; p2 b c a → b 2, c 1, a 0. b 3, a 2, c 1.
    expect(focus.items.map((i) => [i.id, i.points])).toEqual([
      ['mora.b', 3],
      ['mora.a', 2],
      ['mora.c', 1],
    ]);
    // Without the items, the ids in the answers are ranked (four of them: zzz, a, b, c).
    const fromAnswers = find(summarise(template, answers), 'focus', 'ranking');
    expect(fromAnswers.items.map((i) => i.id).sort()).toEqual(['mora.a', 'mora.b', 'mora.c', 'mora.zzz']);
    // p1: zzz 3, a 2, b 1; p2: b 3, c 2, a 1 → b 4, a 3, zzz 3 (avg position 1 < a's 2.5), c 2
    expect(fromAnswers.items.map((i) => [i.id, i.points])).toEqual([
      ['mora.b', 4],
      ['mora.zzz', 3],
      ['mora.a', 3],
      ['mora.c', 2],
    ]);
  });

  it('statements: one vote per participant and statement (latest), agreement and classes', () => {
    const claims = find(results, 'claims', 'statements');
    const byId = new Map(claims.statements.map((s) => [s.id, s]));
    // seed-1: agree p1-p4, p5 disagree (changed), p6 pass → 4 / 5 = 0.8 of 5 → consensus-agree
    expect(byId.get('seed-1')).toMatchObject({ agree: 4, disagree: 1, pass: 1, classification: 'consensus-agree' });
    expect(byId.get('seed-1')?.agreement).toBeCloseTo(0.8, 10);
    // seed-2: 0 of 3 → consensus-disagree
    expect(byId.get('seed-2')).toMatchObject({ agree: 0, disagree: 3, pass: 1, agreement: 0, classification: 'consensus-disagree' });
    // seed-3: 2 of 4 = 0.5 → divided
    expect(byId.get('seed-3')).toMatchObject({ agree: 2, disagree: 2, pass: 0, agreement: 0.5, classification: 'divided' });
    // p2's statement: renamed new-1, latest text, 2 agree is too few for consensus → mixed
    expect(byId.get('new-1')).toMatchObject({
      source: 'participant',
      text: 'Ordna fler företagsfrukostar',
      agree: 2,
      disagree: 0,
      agreement: 1,
      classification: 'mixed',
    });
    expect(claims.statements.map((s) => s.id)).toEqual(['seed-1', 'seed-2', 'seed-3', 'new-1']);
    expect(claims.statements[0]).toMatchObject({ source: 'seed', text: q('Service är bra') });
    expect(claims.voters).toBe(6);
    expect(claims.skips).toBe(1); // p7 only; p6 skipped but had voted
  });

  it('proposed statements are numbered in the order they were proposed; a seed id cannot be taken over', () => {
    const out = summarise(template, [
      a(p1, 'claims', { kind: 'statement-new', statementId: 'x1', text: 'Första' }, 1),
      a(p2, 'claims', { kind: 'statement-new', statementId: 'x2', text: 'Andra' }, 2),
      a(p1, 'claims', { kind: 'statement-new', statementId: 'x1', text: 'Första, omskriven' }, 3),
      a(p3, 'claims', { kind: 'statement-new', statementId: 'seed-1', text: 'Kapning' }, 4),
      a(p3, 'claims', vote('x2', 'disagree'), 5),
    ]);
    const claims = find(out, 'claims', 'statements');
    expect(claims.statements.slice(3).map((s) => [s.id, s.text, s.disagree])).toEqual([
      ['new-1', 'Första, omskriven', 0],
      ['new-2', 'Andra', 1],
    ]);
    expect(claims.statements[0]?.text).toEqual(q('Service är bra'));
    const closed = dialogueTemplate.parse({
      ...template,
      steps: [{ type: 'statements', id: 'claims', question: q('?'), seed: [q('S')], allowNew: false }],
    });
    const none = find(
      summarise(closed, [a(p1, 'claims', { kind: 'statement-new', statementId: 'x1', text: 'Nej' }, 1)]),
      'claims',
      'statements',
    );
    expect(none.statements.map((s) => s.id)).toEqual(['seed-1']);
  });

  it('statement classes at their limits', () => {
    const cls = (agree: number, disagree: number) => classifyStatement(agree, disagree).classification;
    expect(cls(3, 0)).toBe('consensus-agree');
    expect(cls(2, 0)).toBe('mixed'); // fewer than 3 votes
    expect(cls(4, 1)).toBe('consensus-agree'); // exactly 0.8
    expect(cls(7, 3)).toBe('mixed'); // 0.7
    expect(cls(1, 4)).toBe('consensus-disagree'); // exactly 0.2
    expect(cls(0, 3)).toBe('consensus-disagree');
    expect(cls(2, 2)).toBe('divided');
    expect(cls(1, 1)).toBe('mixed'); // 0.5 but only 2 votes
    expect(cls(2, 3)).toBe('divided'); // 0.4
    expect(cls(13, 7)).toBe('divided'); // 0.65
    expect(cls(2, 1)).toBe('mixed'); // 0.667 of 3
    expect(classifyStatement(0, 0)).toEqual({ agreement: null, classification: 'mixed' });
  });

  it('open: n, skips, themes with counts and a quote, groups of similar answers; personal data masked', () => {
    const live = find(results, 'live', 'open', 'inspel');
    expect(live.n).toBe(6);
    expect(live.skips).toBe(1);
    // Themes are the shared theme layer's, by readable name: housing in answers 1, 2, 5 and 6
    // (p6's latest, masked), commuting in 3 and 4.
    expect(live.themes[0]).toMatchObject({ theme: 'town-centre-living', name: { sv: 'Centrum, boende och fritid' } });
    expect(live.themes[0]?.count).toBeGreaterThanOrEqual(3);
    const transport = live.themes.find((t) => t.theme === 'transport');
    expect(transport).toMatchObject({ count: 2, name: { en: 'Transport, traffic and charging' } });
    expect(transport?.examples[0]).toMatch(/pendling/);
    expect(live.themes.reduce((n, t) => n + t.count, 0)).toBe(6);
    expect(JSON.stringify(live.themes)).not.toContain('070-123');
    // The two answers about commuting by train are one group: {bättre, pendling, tåg, falun} and
    // {tåg, buss, pendling, kväll} share 2 of 4 terms → 2 / sqrt(4 · 4) = 0.5 ≥ 0.35. The first answer
    // about housing and p6's (masked) one share "bostäder" of 3 and 2 terms → 1 / sqrt(6) ≈ 0.41.
    // Groups of equal size keep the order of their first answer.
    expect(live.groups.slice(0, 2)).toEqual([
      {
        count: 2,
        terms: expect.arrayContaining(['bostäder']),
        examples: ['Fler bostäder och hyresrätter i centrum behövs', 'Ring mig på [telefon] om bostäder'],
      },
      {
        count: 2,
        terms: expect.arrayContaining(['pendling', 'tåg']),
        examples: ['Bättre pendling med tåg till Falun', 'Fler tåg och bussar för pendling på kvällar'],
      },
    ]);
    expect(live.groups.slice(2).map((g) => g.count)).toEqual([1, 1]);
    expect(live.groups.reduce((sum, g) => sum + g.count, 0)).toBe(6);
    expect(live.groups.every((g) => g.examples.length <= 2)).toBe(true);
    const json = JSON.stringify(live);
    expect(json).not.toContain('070');
    expect(json).not.toContain('golfbanor'); // p6's earlier answer was replaced
    expect(json).toContain('[telefon]');
  });

  it('groups: greedy by cosine of term sets ≥ 0.35', () => {
    expect(setCosine(new Set(['a', 'b']), new Set(['a', 'c']))).toBeCloseTo(0.5, 10);
    expect(setCosine(new Set(['a', 'b', 'c', 'd']), new Set(['a', 'e', 'f', 'g']))).toBeCloseTo(0.25, 10);
    expect(setCosine(new Set<string>(), new Set(['a']))).toBe(0);
  });

  it('inspel: text answers and skips', () => {
    const tip = find(results, 'tip', 'open', 'inspel');
    expect(tip.type).toBe('inspel');
    expect([tip.n, tip.skips]).toEqual([1, 1]);
    expect(tip.groups).toEqual([{ count: 1, terms: expect.any(Array), examples: ['Skyltning till industriområdet, "Norra", behövs'] }]);
  });

  it('results never hold a participant id', () => {
    const json = JSON.stringify(results);
    for (const participant of P) expect(json).not.toContain(participant);
    expect(json).not.toContain('pid-');
  });

  it('works on a shipped template with focus areas from a pack', () => {
    const company = loadTemplates(join(__dirname, '..', '..', 'data', 'dialogues')).find((t) => t.id === 'company-dialogue');
    if (!company) throw new Error('company-dialogue missing');
    const out = summarise(
      company,
      [
        a(p1, 'focus-priority', ranking('mora.competence', 'mora.service'), 1),
        a(p1, 'service-satisfaction', scale(4), 2),
        a(p1, 'company-size', single('micro'), 3),
      ],
      { rankingItems: { 'focus-priority': [option('mora.competence'), option('mora.service')] } },
    );
    expect(find(out, 'focus-priority', 'ranking').items.map((i) => [i.id, i.points])).toEqual([
      ['mora.competence', 1],
      ['mora.service', 0],
    ]);
    expect(find(out, 'service-satisfaction', 'scale').mean).toBe(4);
  });
});

describe('toCsv', () => {
  const csv = toCsv(template, answers);
  const lines = csv.trimEnd().split('\r\n');
  const rows = lines.slice(1);

  it('has the columns and never a participant id', () => {
    expect(lines[0]).toBe('step_id,step_type,participant_number,answer,at');
    for (const participant of P) expect(csv).not.toContain(participant);
    expect(csv).not.toContain('pid-');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('numbers participants by their first answer and writes only the answers that count', () => {
    // First answers in time: p1 09:01, p2 09:02, p3 09:03, p4 09:04, p5 09:05, p6 09:06, p7 09:08.
    const sat = rows.filter((row) => row.startsWith('sat,'));
    expect(sat).toEqual([
      'sat,scale,1,5,2025-03-01T09:30:00.000Z',
      'sat,scale,2,4,2025-03-01T09:02:00.000Z',
      'sat,scale,3,2,2025-03-01T09:03:00.000Z',
      'sat,scale,4,3,2025-03-01T09:04:00.000Z',
      'sat,scale,5,(skip),2025-03-01T09:05:00.000Z',
      'sat,scale,6,(skip),2025-03-01T09:07:00.000Z',
    ]);
    expect(rows.filter((row) => row.startsWith('size,')).map((row) => row.split(',').slice(2, 4).join(','))).toEqual([
      '1,a',
      '2,a',
      '3,b',
      '4,(skip)',
    ]);
    expect(rows.some((row) => row.includes('unknown-step') || row.includes('ignored'))).toBe(false);
    expect(rows.some((row) => row.includes('zzz') && row.startsWith('size,'))).toBe(false);
    expect(rows.some((row) => row.startsWith('intro,'))).toBe(false);
  });

  it('joins options with |, rankings with >, names statements without the proposer, quotes text', () => {
    expect(rows).toContain('pains,multiple,3,y|z,2025-03-01T09:13:00.000Z');
    expect(rows).toContain('prio,ranking,4,r1>r3>r2,2025-03-01T09:15:00.000Z');
    expect(rows).toContain('claims,statements,2,new-1: Ordna fler företagsfrukostar,2025-03-01T09:24:00.000Z');
    expect(rows).toContain('claims,statements,1,new-1: agree,2025-03-01T09:25:00.000Z');
    expect(rows).toContain('claims,statements,5,seed-1: disagree,2025-03-01T09:21:00.000Z');
    expect(rows).toContain('tip,inspel,1,"Skyltning till industriområdet, ""Norra"", behövs",2025-03-01T09:50:00.000Z');
    expect(rows).toContain('live,open,6,Ring mig på [telefon] om bostäder,2025-03-01T09:46:00.000Z');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const out = toCsv(template, [a(p1, 'live', open('=HYPERLINK("http://x")'), 1)]);
    expect(out).toContain(`live,open,1,"'=HYPERLINK(""http://x"")"`);
  });
});
