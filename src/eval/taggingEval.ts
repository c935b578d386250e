/**
 * npm run eval -- tagging FILE --municipality ID [--baseline bayes]
 *
 * Tags every line of a JSON Lines file ({"text", "label": "<focus area id>"}) with the same tagger
 * the feedback service uses (trained from the pack's focus-area examples), or with natural's plain
 * BayesClassifier trained on the same examples. Prints per-area precision/recall/F1, confusions,
 * and as its last line {"task":"tagging","n":N,"top1":0.xx,"macroF1":0.xx}.
 */
import { join } from 'node:path';
import { repoRoot } from '../config';
import { loadDataSet } from '../domain/packs/loader';
import { createTagger, type Correction } from '../domain/feedback/tagger';
import { correctionsFrom } from '../domain/feedback/service';
import { loadConfig, readDotEnv } from '../config';
import { createLogger } from '../log';
import { createStore } from '../store';
import { maskPersonalData } from '../domain/privacy/mask';
import { fold, stemSv, tokenize } from '../domain/text';
import { argValue, percentile, positional, printConfusions, printTable, readJsonLines, round3 } from './common';

interface BayesClassifierLike {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  classify(tokens: string[]): string;
}

export async function runTaggingEval(args: string[]): Promise<number> {
  const file = positional(args, ['--municipality', '--baseline']);
  const withCorrections = args.includes('--with-corrections');
  const municipality = argValue(args, '--municipality');
  const baseline = argValue(args, '--baseline');
  if (!file || !municipality) {
    process.stderr.write('usage: npm run eval -- tagging FILE --municipality ID [--baseline bayes]\n');
    return 2;
  }
  if (baseline && baseline !== 'bayes') {
    process.stderr.write(`--baseline must be bayes, got "${baseline}"\n`);
    return 2;
  }
  const data = loadDataSet(join(repoRoot(), 'data'), { only: [municipality] });
  const pack = data.packs.get(municipality);
  if (!pack) {
    process.stderr.write(`no data pack "${municipality}"\n`);
    return 2;
  }
  const areas = new Set(pack.focusAreas.map((a) => a.id));
  const lines = readJsonLines(file);
  const bad = lines.find((l) => !areas.has(l.label));
  if (bad) {
    process.stderr.write(`label "${bad.label}" is not a focus area of ${municipality} (${[...areas].join(', ')})\n`);
    return 2;
  }

  let tag: (text: string) => string;
  if (baseline === 'bayes') {
    const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new () => BayesClassifierLike;
    const classifier = new BayesClassifier();
    const features = (text: string) => tokenize(text).map((t) => stemSv(fold(t)));
    for (const area of pack.focusAreas) for (const example of [...area.examples.sv, ...area.examples.en]) classifier.addDocument(features(example), area.id);
    classifier.train();
    tag = (text) => classifier.classify(features(text));
  } else {
    // --with-corrections: also learn from staff re-tags in the configured store (SQLite or Cosmos DB).
    let corrections: Correction[] = [];
    if (withCorrections) {
      const config = loadConfig({ LOG_LEVEL: 'error', ...readDotEnv(join(repoRoot(), '.env')), ...process.env });
      const store = await createStore(config.store, { logger: createLogger('error'), timeoutMs: config.storeTimeoutMs });
      try {
        corrections = correctionsFrom(await store.feedback.list(municipality));
      } finally {
        await store.close();
      }
      process.stdout.write(`Learning from ${corrections.length} staff corrections.\n`);
    }
    const tagger = createTagger(pack.focusAreas, corrections);
    // The same path as a stored suggestion: masked first, then tagged.
    tag = (text) => tagger.tag(maskPersonalData(text).text).focusArea;
  }

  const timings: number[] = [];
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const confusions = new Map<string, number>();
  let correct = 0;
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const line of lines) {
    const started = performance.now();
    const predicted = tag(line.text);
    timings.push(performance.now() - started);
    if (predicted === line.label) {
      correct += 1;
      bump(tp, line.label);
    } else {
      bump(fp, predicted);
      bump(fn, line.label);
      bump(confusions, `${line.label} → ${predicted}`);
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
  const n = lines.length;
  process.stdout.write(`Tagging evaluation: ${baseline ? `baseline ${baseline}` : 'tagger'}, municipality ${municipality}, ${n} lines from ${file}\n\n`);
  printTable(['focus area', 'n', 'precision', 'recall', 'F1'], rows);
  printConfusions(confusions, 8);
  process.stdout.write(
    `${JSON.stringify({
      task: 'tagging',
      ...(baseline ? { baseline } : {}),
      ...(withCorrections ? { corrections: true } : {}),
      municipality,
      n,
      top1: round3(correct / n),
      macroF1: round3(f1Sum / areas.size),
      p50_ms: round3(percentile(timings, 50)),
    })}\n`,
  );
  return 0;
}
