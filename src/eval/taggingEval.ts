/**
 * npm run eval -- tagging FILE|DIR [--municipality ID] [--baseline bayes] [--with-corrections]
 *
 * Tags every line of a JSON Lines file ({"text", "label": "<focus area id>"}) the way a stored
 * suggestion is tagged (masked first), and prints per-area precision/recall/F1, top-1, top-2,
 * macro-F1 and the confusion pairs, for the tagger (pack classifier + theme layer), and beside it
 * each half alone (the pack's own classifier, the theme layer through the pack's theme map).
 * `--misses` lists the tagger's misses. `--baseline bayes` adds natural's BayesClassifier trained on the pack's examples.
 * `--cv` adds, per municipality, 5-fold cross-validation over the pack's own examples (the tagger
 * and the pack classifier trained on four folds, scored on the fifth; the theme layer never sees
 * the packs' examples), the check the mixing constants were chosen with beside the dev sets.
 * A DIR holds one file per municipality, named <id>.jsonl. The last line is a JSON summary.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot, loadConfig, readDotEnv } from '../config';
import { loadDataSet, type DataSet, type Pack } from '../domain/packs/loader';
import { createTagger, taggerForPack, type Correction } from '../domain/feedback/tagger';
import { correctionsFrom } from '../domain/feedback/service';
import { compileThemeMap, createThemeLayer, type ThemeLayer } from '../domain/themes/layer';
import { createLogger } from '../log';
import { createStore } from '../store';
import { maskPersonalData } from '../domain/privacy/mask';
import { fold, stemSv, tokenize } from '../domain/text';
import { argValue, positional, printConfusions, printTable, readJsonLines, round3, type LabelledLine } from './common';

interface BayesClassifierLike {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): Array<{ label: string; value: number }>;
}

/** Ranks the areas for a text, best first. */
type Ranker = (text: string) => string[];

export interface TaggingScore {
  n: number;
  top1: number;
  top2: number;
  macroF1: number;
}

export function scoreTagging(lines: LabelledLine[], areas: readonly string[], rank: Ranker, verbose = false, title = '', misses?: string[]): TaggingScore {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const confusions = new Map<string, number>();
  let correct = 0;
  let correct2 = 0;
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const line of lines) {
    const ranked = rank(line.text);
    const predicted = ranked[0] ?? '';
    if (ranked.slice(0, 2).includes(line.label)) correct2 += 1;
    if (predicted === line.label) {
      correct += 1;
      bump(tp, line.label);
    } else {
      bump(fp, predicted);
      bump(fn, line.label);
      bump(confusions, `${line.label} → ${predicted}`);
      misses?.push(`  ${line.label} → ${predicted}: ${line.text}`);
    }
  }
  const rows: string[][] = [];
  let f1Sum = 0;
  for (const area of [...areas].sort()) {
    const t = tp.get(area) ?? 0;
    const precision = t + (fp.get(area) ?? 0) > 0 ? t / (t + (fp.get(area) ?? 0)) : 0;
    const recall = t + (fn.get(area) ?? 0) > 0 ? t / (t + (fn.get(area) ?? 0)) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    f1Sum += f1;
    rows.push([area, String(t + (fn.get(area) ?? 0)), precision.toFixed(2), recall.toFixed(2), f1.toFixed(2)]);
  }
  if (verbose) {
    process.stdout.write(`\n${title}\n`);
    printTable(['focus area', 'n', 'precision', 'recall', 'F1'], rows);
    printConfusions(confusions, 8);
  }
  const n = lines.length;
  return { n, top1: round3(correct / n), top2: round3(correct2 / n), macroF1: round3(f1Sum / areas.length) };
}

function bayesRanker(data: DataSet, municipality: string): Ranker {
  const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new () => BayesClassifierLike;
  const pack = data.packs.get(municipality);
  const classifier = new BayesClassifier();
  const features = (text: string) => tokenize(text).map((t) => stemSv(fold(t)));
  for (const area of pack?.focusAreas ?? []) for (const example of [...area.examples.sv, ...area.examples.en]) classifier.addDocument(features(example), area.id);
  classifier.train();
  return (text) => classifier.getClassifications(features(text)).map((c) => c.label);
}

const CV_FOLDS = 5;

/**
 * K-fold cross-validation over a pack's examples: the i-th example of each area and language goes
 * to fold i mod K. Scores the tagger (with the theme layer) and the pack classifier alone.
 */
export function crossValidatePack(pack: Pack, layer: ThemeLayer, folds = CV_FOLDS): { tagger: TaggingScore; own: TaggingScore } {
  const held: LabelledLine[][] = Array.from({ length: folds }, () => []);
  const perFold = Array.from({ length: folds }, (_, k) =>
    pack.focusAreas.map((area) => {
      const keep = (list: string[]) =>
        list.filter((text, i) => {
          if (i % folds !== k) return true;
          held[k]?.push({ text, label: area.id });
          return false;
        });
      return { ...area, examples: { sv: keep(area.examples.sv), en: keep(area.examples.en) } };
    }),
  );
  const areas = pack.focusAreas.map((a) => a.id);
  const map = pack.themeMap ? compileThemeMap(pack.themeMap) : undefined;
  const rankers = perFold.map((focusAreas) => ({
    tagger: createTagger(focusAreas, [], map ? { layer, map } : undefined),
    own: createTagger(focusAreas),
  }));
  const lines = held.flatMap((list, k) => list.map((line) => ({ ...line, k })));
  const byFold = new Map(lines.map((l) => [l.text, l.k]));
  const rank =
    (which: 'tagger' | 'own'): Ranker =>
    (text) =>
      rankers[byFold.get(text) ?? 0]?.[which].tag(maskPersonalData(text).text).ranked.map((r) => r.focusArea) ?? [];
  return { tagger: scoreTagging(lines, areas, rank('tagger')), own: scoreTagging(lines, areas, rank('own')) };
}

async function storedCorrections(municipality: string): Promise<Correction[]> {
  const config = loadConfig({ LOG_LEVEL: 'error', ...readDotEnv(join(repoRoot(), '.env')), ...process.env });
  const store = await createStore(config.store, { logger: createLogger('error'), timeoutMs: config.storeTimeoutMs });
  try {
    return correctionsFrom(await store.feedback.retagged(municipality));
  } finally {
    await store.close();
  }
}

export async function runTaggingEval(args: string[]): Promise<number> {
  const target = positional(args, ['--municipality', '--baseline']);
  const withCorrections = args.includes('--with-corrections');
  const verbose = !args.includes('--quiet');
  const showMisses = args.includes('--misses');
  const only = argValue(args, '--municipality');
  const baseline = argValue(args, '--baseline');
  if (!target || !existsSync(target)) {
    process.stderr.write('usage: npm run eval -- tagging FILE|DIR [--municipality ID] [--baseline bayes] [--with-corrections]\n');
    return 2;
  }
  if (baseline && baseline !== 'bayes') {
    process.stderr.write(`--baseline must be bayes, got "${baseline}"\n`);
    return 2;
  }
  const files: Array<{ municipality: string; file: string }> = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => ({ municipality: basename(f, '.jsonl'), file: join(target, f) }))
        .filter((f) => !only || f.municipality === only)
    : only
      ? [{ municipality: only, file: target }]
      : [];
  if (files.length === 0) {
    process.stderr.write('give --municipality ID with a FILE, or a DIR of <municipality>.jsonl files\n');
    return 2;
  }
  const data = loadDataSet(join(repoRoot(), 'data'));
  const started = performance.now();
  const layer: ThemeLayer = createThemeLayer(data.shared.themes, data.shared.themeCorpus);
  process.stdout.write(`Theme layer: ${layer.stats.labels} themes, ${layer.stats.examples} examples, trained in ${Math.round(performance.now() - started)} ms\n`);

  const summary: Array<Record<string, unknown>> = [];
  const rows: string[][] = [];
  for (const { municipality, file } of files) {
    const pack = data.packs.get(municipality);
    if (!pack) {
      process.stderr.write(`no data pack "${municipality}"\n`);
      return 2;
    }
    const areas = pack.focusAreas.map((a) => a.id);
    const lines = readJsonLines(file);
    const bad = lines.find((l) => !areas.includes(l.label));
    if (bad) {
      process.stderr.write(`${file}: label "${bad.label}" is not a focus area of ${municipality} (${areas.join(', ')})\n`);
      return 2;
    }
    const corrections = withCorrections ? await storedCorrections(municipality) : [];
    if (withCorrections) process.stdout.write(`Learning from ${corrections.length} staff corrections (${municipality}).\n`);
    const masked = (rank: Ranker): Ranker => (text) => rank(maskPersonalData(text).text);
    const combined = taggerForPack(pack, layer, corrections);
    const own = createTagger(pack.focusAreas, corrections);
    const map = pack.themeMap ? compileThemeMap(pack.themeMap) : undefined;
    const themesOnly: Ranker = (text) =>
      map ? [...map.areas(layer.classify(text), text)].sort((a, b) => b[1] - a[1]).map(([area]) => area) : [];
    const models: Array<[string, Ranker]> = [
      ['tagger', (text) => combined.tag(text).ranked.map((r) => r.focusArea)],
      ['pack classifier only', (text) => own.tag(text).ranked.map((r) => r.focusArea)],
      ['theme layer only', themesOnly],
      ...(baseline === 'bayes' ? ([['bayes baseline', bayesRanker(data, municipality)]] as Array<[string, Ranker]>) : []),
    ];
    if (args.includes('--cv')) {
      const cv = crossValidatePack(pack, layer);
      rows.push([municipality, `tagger, ${CV_FOLDS}-fold CV on pack examples`, String(cv.tagger.n), cv.tagger.top1.toFixed(2), cv.tagger.top2.toFixed(2), cv.tagger.macroF1.toFixed(2)]);
      rows.push([municipality, `pack classifier, ${CV_FOLDS}-fold CV`, String(cv.own.n), cv.own.top1.toFixed(2), cv.own.top2.toFixed(2), cv.own.macroF1.toFixed(2)]);
      summary.push({ municipality, model: 'tagger-cv', ...cv.tagger }, { municipality, model: 'pack-classifier-cv', ...cv.own });
    }
    process.stdout.write(`\n== ${municipality}: ${lines.length} lines from ${file}\n`);
    for (const [name, rank] of models) {
      const misses: string[] = [];
      const score = scoreTagging(lines, areas, masked(rank), verbose && name === 'tagger', `${name} (${municipality})`, misses);
      if (showMisses && name === 'tagger') process.stdout.write(`Misses:\n${misses.join('\n')}\n`);
      rows.push([municipality, name, String(score.n), score.top1.toFixed(2), score.top2.toFixed(2), score.macroF1.toFixed(2)]);
      summary.push({ municipality, model: name, ...score });
    }
  }
  process.stdout.write('\n');
  printTable(['municipality', 'model', 'n', 'top-1', 'top-2', 'macro-F1'], rows);
  process.stdout.write(`${JSON.stringify({ task: 'tagging', ...(withCorrections ? { corrections: true } : {}), results: summary })}\n`);
  return 0;
}
