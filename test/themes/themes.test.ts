import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileThemeMap, createThemeLayer } from '../../src/domain/themes/layer';
import { countThemes } from '../../src/domain/themes/summary';
import { taggerForPack, createTagger } from '../../src/domain/feedback/tagger';
import { testData } from '../helpers/app';
import { dataCopies, problemsOf } from '../helpers/dataCopy';

const copyOfData = dataCopies();

const layer = () => {
  const data = testData();
  return createThemeLayer(data.shared.themes, data.shared.themeCorpus);
};

describe('the shared theme layer', () => {
  it('every pack maps every theme to its own focus areas, each with a source', () => {
    const data = testData();
    const themeIds = data.shared.themes.map((t) => t.id).sort();
    for (const pack of data.packs.values()) {
      expect(pack.themeMap, pack.id).toBeDefined();
      expect(pack.themeMap?.map.map((e) => e.theme).sort(), pack.id).toEqual(themeIds);
      const areas = new Set(pack.focusAreas.map((a) => a.id));
      for (const entry of pack.themeMap?.map ?? []) for (const a of entry.areas) expect(areas.has(a.area), `${pack.id} ${entry.theme}`).toBe(true);
    }
  });

  it('the corpus has at least 2,000 suggestions in Swedish, Swedish without å/ä/ö and English for every theme', () => {
    const { themes, themeCorpus } = testData().shared;
    expect(themeCorpus.length).toBeGreaterThanOrEqual(2000);
    for (const theme of themes) {
      for (const lang of ['sv', 'sv-ascii', 'en'] as const) {
        expect(themeCorpus.filter((l) => l.theme === theme.id && l.lang === lang).length, `${theme.id} ${lang}`).toBeGreaterThanOrEqual(10);
      }
    }
  });

  it('says what a suggestion is about, in any of the three ways people write', () => {
    const themes = layer();
    expect(themes.classify('Tillsynsavgiften för vår lilla kiosk har höjts till över 6 000 kr, det är orimligt')[0]?.theme).toBe('fees');
    expect(themes.classify('nagon har sprayat klotter pa var fasad igen och polisen gor ingenting')[0]?.theme).toBe('crime-safety');
    expect(themes.classify('The tenders are far too big for a small local firm like ours to bid on')[0]?.theme).toBe('procurement');
    expect(themes.name('fees', 'sv')).toBe('Avgifter och taxor');
    expect(themes.name('fees', 'en')).toBe('Fees and charges');
  });

  it('sends a theme to the focus area the municipality\'s strategy gives it', () => {
    const data = testData();
    const crime = 'Vi har haft tre inbrott i butiken i år och det känns otryggt i centrum på kvällarna.';
    // Hedemora puts crime prevention under attractiveness, Borlänge has a focus area of its own.
    expect(taggerForPack(data.packs.get('hedemora')!, layer()).tag(crime).focusArea).toBe('hedemora.attractiveness');
    expect(taggerForPack(data.packs.get('borlange')!, layer()).tag(crime).focusArea).toBe('borlange.crime-safety');
    const fibre = 'Vi har fortfarande ingen fiber ute på landsbygden, det går inte att driva ett företag med den uppkopplingen.';
    expect(taggerForPack(data.packs.get('mora')!, layer()).tag(fibre).focusArea).toBe('mora.infrastructure-planning');
  });

  it('a keyword rule sends a split theme to one area', () => {
    const map = compileThemeMap({
      map: [
        {
          theme: 'digitalisation',
          areas: [
            { area: 'a', weight: 0.5 },
            { area: 'b', weight: 0.5 },
          ],
          rules: [{ pattern: '\\bfiber\\b', area: 'b' }],
          source: 'a test map, not a strategy',
        },
      ],
    });
    expect([...map.areas([{ theme: 'digitalisation', probability: 1 }], 'Mer fiber på landet')]).toEqual([['b', 1]]);
    expect([...map.areas([{ theme: 'digitalisation', probability: 1 }], 'Fler e-tjänster')]).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
  });

  it('says when the two best areas are close, and names the themes', () => {
    const data = testData();
    const pack = data.packs.get('borlange')!;
    const tagger = taggerForPack(pack, layer());
    const tag = tagger.tag('Avgiften för bygglov är för hög och handläggningen tar för lång tid.');
    expect(tag.focusArea).toBe('borlange.enabler');
    expect(tag.themes.map((t) => t.theme)).toEqual(expect.arrayContaining(['fees']));
    const ranked = tag.ranked;
    expect(tag.close).toBe((ranked[1]?.confidence ?? 0) >= (ranked[0]?.confidence ?? 0) * 0.75);
    // Without a theme map the tagger is the pack's own classifier alone.
    const own = createTagger(pack.focusAreas).tag('Avgiften för bygglov är för hög');
    expect(own.themes).toEqual([]);
  });

  it('counts a group of texts by theme, with readable names and quotes', () => {
    const counted = countThemes(
      [
        { text: 'Snöröjningen på industriområdet är dålig, lastbilarna fastnar.' },
        { text: 'Bättre snöröjning och sandning behövs på gatorna vid torget.' },
        { text: 'Vi hittar inga svetsare, gymnasiet måste utbilda fler.' },
        { text: 'Stored with its theme', theme: 'fees' },
      ],
      layer(),
    );
    expect(counted[0]).toMatchObject({ theme: 'streets-public-space', name: { sv: 'Gator, offentlig plats och skötsel' }, count: 2 });
    expect(counted[0]?.examples[0]).toMatch(/snöröjning/i);
    expect(counted.map((c) => c.theme)).toEqual(expect.arrayContaining(['skills-education', 'fees']));
  });

  it('a broken theme map or corpus line is reported with its file and field', () => {
    const dir = copyOfData();
    const mapFile = join(dir, 'packs', 'mora', 'theme-map.json');
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { map: Array<{ theme: string; areas: Array<{ area: string }>; rules?: Array<{ pattern: string; area: string }> }> };
    map.map[0]!.areas[0]!.area = 'mora.nowhere';
    map.map[1]!.theme = 'no-such-theme';
    map.map[2]!.rules = [{ pattern: '(unclosed', area: 'mora.competence' }];
    writeFileSync(mapFile, JSON.stringify(map));
    appendFileSync(join(dir, 'shared', 'theme-corpus.jsonl'), '{"text":"Ett förslag om något","theme":"fees","lang":"de"}\n{"text":"x","theme":"nope","lang":"sv"}\n');
    const problems = problemsOf(dir);
    const where = problems.map((p) => `${p.file} ${p.field}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'packs/mora/theme-map.json map[0].areas[0].area',
        'packs/mora/theme-map.json map[1].theme',
        'packs/mora/theme-map.json map[2].rules[0].pattern',
      ]),
    );
    expect(where.some((w) => /^shared\/theme-corpus\.jsonl line \d+\.lang$/.test(w))).toBe(true);
    expect(where.some((w) => /^shared\/theme-corpus\.jsonl line \d+\.text$/.test(w))).toBe(true);
  });
});
