/**
 * npm run eval -- themes [FILE] [--folds K]
 *
 * The shared theme layer on its own: the corpus size per theme and language, K-fold
 * cross-validation on the corpus (default 5 folds, stratified, deterministic), and — with FILE,
 * JSON Lines {"text", "theme"} written apart from the corpus — accuracy on that set of the layer
 * trained on the whole corpus. The last line is a JSON summary.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { repoRoot } from '../config';
import { loadDataSet } from '../domain/packs/loader';
import { createThemeLayer } from '../domain/themes/layer';
import type { CorpusLine, Theme } from '../domain/themes/schema';
import { argValue, positional, printConfusions, printTable, round3 } from './common';

const blindLine = z.object({ text: z.string().min(1), theme: z.string().min(1) });

function score(themes: readonly Theme[], train: readonly CorpusLine[], test: ReadonlyArray<{ text: string; theme: string }>, confusions?: Map<string, number>) {
  const layer = createThemeLayer(themes, train);
  let top1 = 0;
  let top3 = 0;
  for (const line of test) {
    const ranked = layer.classify(line.text).map((s) => s.theme);
    if (ranked[0] === line.theme) top1 += 1;
    else if (confusions) confusions.set(`${line.theme} → ${ranked[0] ?? '–'}`, (confusions.get(`${line.theme} → ${ranked[0] ?? '–'}`) ?? 0) + 1);
    if (ranked.slice(0, 3).includes(line.theme)) top3 += 1;
  }
  return { n: test.length, top1: top1 / Math.max(1, test.length), top3: top3 / Math.max(1, test.length) };
}

export function runThemesEval(args: string[]): number {
  const file = positional(args, ['--folds']);
  const folds = Number(argValue(args, '--folds') ?? 5);
  const data = loadDataSet(join(repoRoot(), 'data'));
  const { themes, themeCorpus: corpus } = data.shared;

  const rows = themes.map((t) => {
    const lines = corpus.filter((l) => l.theme === t.id);
    const n = (lang: string) => String(lines.filter((l) => l.lang === lang).length);
    return [t.id, n('sv'), n('sv-ascii'), n('en'), String(lines.length)];
  });
  const total = (lang: string) => String(corpus.filter((l) => l.lang === lang).length);
  rows.push(['total', total('sv'), total('sv-ascii'), total('en'), String(corpus.length)]);
  process.stdout.write(`Theme corpus (data/shared/theme-corpus.jsonl)\n`);
  printTable(['theme', 'sv', 'sv-ascii', 'en', 'all'], rows);

  // Stratified folds: the i-th line of each theme goes to fold i mod K.
  const foldOf = new Map<CorpusLine, number>();
  for (const t of themes) corpus.filter((l) => l.theme === t.id).forEach((line, i) => foldOf.set(line, i % folds));
  const cv = { n: 0, top1: 0, top3: 0 };
  const perLang = new Map<string, { n: number; ok: number }>();
  const confusions = new Map<string, number>();
  for (let k = 0; k < folds; k += 1) {
    const layer = createThemeLayer(themes, corpus.filter((l) => foldOf.get(l) !== k));
    for (const line of corpus.filter((l) => foldOf.get(l) === k)) {
      const ranked = layer.classify(line.text).map((s) => s.theme);
      const hit = ranked[0] === line.theme;
      cv.n += 1;
      if (hit) cv.top1 += 1;
      else confusions.set(`${line.theme} → ${ranked[0] ?? '–'}`, (confusions.get(`${line.theme} → ${ranked[0] ?? '–'}`) ?? 0) + 1);
      if (ranked.slice(0, 3).includes(line.theme)) cv.top3 += 1;
      const lang = perLang.get(line.lang) ?? { n: 0, ok: 0 };
      lang.n += 1;
      if (hit) lang.ok += 1;
      perLang.set(line.lang, lang);
    }
  }
  const byLang = [...perLang].map(([lang, { n, ok }]) => ({ lang, top1: round3(ok / Math.max(1, n)) }));
  process.stdout.write(`\n${folds}-fold cross-validation on the corpus: top-1 ${round3(cv.top1 / cv.n)}, top-3 ${round3(cv.top3 / cv.n)} (n=${cv.n}); per language ${byLang.map((b) => `${b.lang} ${b.top1}`).join(', ')}\n`);
  printConfusions(confusions, 10);

  let blind: { n: number; top1: number; top3: number } | undefined;
  if (file) {
    const lines = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l, i) => {
        const parsed = blindLine.safeParse(JSON.parse(l));
        if (!parsed.success) throw new Error(`${file}:${i + 1}: expected {"text","theme"}`);
        return parsed.data;
      });
    const blindConfusions = new Map<string, number>();
    blind = score(themes, corpus, lines, blindConfusions);
    process.stdout.write(`Set ${file}: top-1 ${round3(blind.top1)}, top-3 ${round3(blind.top3)} (n=${blind.n})\n`);
    printConfusions(blindConfusions, 10);
  }
  process.stdout.write(
    `${JSON.stringify({ task: 'themes', corpus: corpus.length, folds, cvTop1: round3(cv.top1 / cv.n), cvTop3: round3(cv.top3 / cv.n), ...(blind ? { setTop1: round3(blind.top1), setTop3: round3(blind.top3), setN: blind.n } : {}) })}\n`,
  );
  return 0;
}
