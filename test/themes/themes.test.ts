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
      for (const entry of pack.themeMap?.map ?? []) for (const r of entry.rules) expect(areas.has(r.area), `${pack.id} ${entry.theme} ${r.pattern}`).toBe(true);
      for (const n of pack.themeMap?.named ?? []) expect(areas.has(n.area), `${pack.id} named ${n.pattern}`).toBe(true);
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

  it('follows what each strategy puts where when a theme splits (split rules on folded sv, sv-ascii and en stems)', () => {
    const data = testData();
    const top = (pack: string, theme: string, text: string) => {
      const map = compileThemeMap(data.packs.get(pack)!.themeMap!);
      return [...map.areas([{ theme, probability: 1 }], text)].sort((a, b) => b[1] - a[1])[0]?.[0];
    };
    // Borlänge 6.5: the logistics hub and the freight and passenger corridors; 6.4: the town centre.
    expect(top('borlange', 'transport', 'Järnvägen för godstrafik norrut behöver mer kapacitet')).toBe('borlange.sustainable-development');
    expect(top('borlange', 'transport', 'Parkeringen i centrum ar for dyr')).toBe('borlange.establishment-attractiveness');
    expect(top('borlange', 'land-premises', 'Prepare land near the rail yard for logistics companies')).toBe('borlange.sustainable-development');
    // 6.5 tourism and events, 6.3 the event guide (evenemangslots), 6.5 cultural and creative industries.
    expect(top('borlange', 'tourism-events', 'Fler cykeltävlingar på sommaren skulle fylla hotellen')).toBe('borlange.sustainable-development');
    expect(top('borlange', 'tourism-events', 'Evenemangslotsen hjälpte oss med alla tillstånd')).toBe('borlange.enabler');
    expect(top('borlange', 'culture-creative', 'Studios and sound engineers need support to run their businesses')).toBe('borlange.sustainable-development');
    // Hedemora: company networks are "nätverksbyggande" (business conditions); working together with associations is dialogue.
    expect(top('hedemora', 'networks', 'Starta ett natverk dar vi nya foretagare kan utbyta erfarenheter')).toBe('hedemora.business-conditions');
    expect(top('hedemora', 'networks', 'Föreningarna och företagen borde samarbeta mer med kommunen')).toBe('hedemora.dialogue');
    expect(top('hedemora', 'service-contact', 'I want the officer to look for a solution together with me')).toBe('hedemora.dialogue');
    // Mora: the skills council is Kompetensförsörjning, not a meeting place of its own.
    expect(top('mora', 'networks', 'Kompetensrådet borde träffas oftare')).toBe('mora.competence');
  });

  it('only the three best themes go through the map, with their own weight', () => {
    const map = compileThemeMap({
      map: ['t1', 't2', 't3', 't4'].map((theme, i) => ({ theme, areas: [{ area: `a${i + 1}`, weight: 1 }], rules: [], source: 'a test map, not a strategy' })),
    });
    const themes = [
      { theme: 't4', probability: 0.1 },
      { theme: 't1', probability: 0.4 },
      { theme: 't2', probability: 0.3 },
      { theme: 't3', probability: 0.2 },
    ];
    expect(Object.fromEntries(map.areas(themes, 'any text'))).toEqual({ a1: 0.4, a2: 0.3, a3: 0.2 });
  });

  it('a text that names what the strategy places (Forum Mora, Moraspåret) leans to that area whatever its theme', () => {
    const data = testData();
    const map = compileThemeMap(data.packs.get('mora')!.themeMap!);
    // Tourism goes to networks-development in Mora and has no split rule of its own.
    const areas = (text: string) => [...map.areas([{ theme: 'tourism-events', probability: 0.4 }], text)].sort((a, b) => b[1] - a[1]).map(([area]) => area);
    expect(areas('Fler evenemang i byarna på sommaren')[0]).toBe('mora.networks-development');
    expect(areas('Forum Mora borde hållas på kvällstid också')[0]).toBe('mora.business-contacts');
    expect(areas('moraspaaret borde ta med sma foretag')[0]).toBe('mora.competence');
    const tagger = taggerForPack(data.packs.get('mora')!, layer());
    expect(tagger.tag('Hur anmäler man sig till nästa Forum Mora? Vi har flera frågor om skyltar och tillstånd.').focusArea).toBe('mora.business-contacts');
  });

  it("a theme's cue (words of its definition) raises it beside a subject the text is also about", () => {
    const data = testData();
    // Being asked before a decision (consultation) about deliveries in the pedestrian street.
    const text = 'Bjud in oss handlare innan ni bestämmer nya regler för varuleveranser på gågatan.';
    expect(layer().classify(text)[0]?.theme).toBe('consultation');
    // Mora's action plan: "Bjuda in företag till tidig dialog" – the companies' contacts with the municipality.
    // (Without the cue the classifier hears only the street: streets-public-space, and Mora's planning area.)
    expect(taggerForPack(data.packs.get('mora')!, layer()).tag(text).focusArea).toBe('mora.business-contacts');
  });

  it('a theme cue that is not a regular expression is reported with its field', () => {
    const dir = copyOfData();
    const file = join(dir, 'themes.json');
    const themes = JSON.parse(readFileSync(file, 'utf8')) as { themes: Array<{ cues?: string[] }> };
    themes.themes[0]!.cues = ['(unclosed'];
    writeFileSync(file, JSON.stringify(themes));
    expect(problemsOf(dir).map((p) => `${p.file} ${p.field}`)).toContain('themes.json themes[0].cues[0]');
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
