/**
 * npm run eval -- routing FILE [--municipality ID] [--baseline bayes|nlpjs]
 *
 * Classifies every line of a JSON Lines file ({"text", "label"}) with the same code path the bot
 * uses (Guide.rank, i.e. the pack's router), or with a baseline trained on exactly the same
 * phrasings: natural's BayesClassifier, or nlp.js (Swedish). Prints a per-label table, the most
 * frequent confusions, and as its last line one JSON object with the numbers.
 */
import { join } from 'node:path';
import { repoRoot } from '../config';
import { loadDataSet, type DataSet } from '../domain/packs/loader';
import { routerFor } from '../domain/guide/router';
import { fold, stemSv, tokenize } from '../domain/text';
import { readJsonLines, argValue, percentile, positional, printConfusions, printTable, round3, type LabelledLine } from './common';

type Ranker = (text: string) => string[];

function trainingSets(data: DataSet, municipality: string): Array<{ topic: string; examples: string[] }> {
  const scenarios = new Map(data.shared.scenarios.map((s) => [`scenario:${s.id}`, s.primaryTopic]));
  const pack = data.packs.get(municipality);
  return [...data.shared.phrasings, ...(pack?.phrasings ?? [])].map((set) => ({
    topic: set.intent.startsWith('scenario:') ? (scenarios.get(set.intent) ?? set.intent) : set.intent,
    examples: [...set.sv, ...set.en, ...set.keywords],
  }));
}

function routerRanker(data: DataSet, municipality: string): Ranker {
  const router = routerFor({
    shared: data.shared,
    taxonomyTopics: Object.keys(data.taxonomy.topics),
    packPhrasings: data.packs.get(municipality)?.phrasings ?? [],
  });
  return (text) => router.rank(text).ranked.map((r) => r.topic);
}

interface BayesClassifierLike {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): Array<{ label: string; value: number }>;
}

function bayesRanker(data: DataSet, municipality: string): Ranker {
  // natural's plain BayesClassifier, with the same Swedish tokenising and stemming the router uses.
  const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new () => BayesClassifierLike;
  const classifier = new BayesClassifier();
  const features = (text: string) => tokenize(text).map((t) => stemSv(fold(t)));
  for (const set of trainingSets(data, municipality)) for (const example of set.examples) classifier.addDocument(features(example), set.topic);
  classifier.train();
  return (text) => {
    const seen = new Set<string>();
    return classifier
      .getClassifications(features(text))
      .sort((a, b) => b.value - a.value)
      .map((c) => c.label)
      .filter((label) => !seen.has(label) && seen.add(label));
  };
}

interface NlpLike {
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, utterance: string): Promise<{ classifications?: Array<{ intent: string; score: number }> }>;
}

async function nlpjsRanker(data: DataSet, municipality: string): Promise<(text: string) => Promise<string[]>> {
  const { containerBootstrap } = require('@nlpjs/core') as { containerBootstrap: () => Promise<{ use(x: unknown): void }> };
  const { Nlp } = require('@nlpjs/nlp') as { Nlp: new (settings: Record<string, unknown>) => NlpLike };
  const { LangSv } = require('@nlpjs/lang-sv') as { LangSv: unknown };
  const container = await containerBootstrap();
  container.use(LangSv);
  const nlp = new Nlp({ container, autoSave: false, autoLoad: false, log: false, nlu: { log: false } });
  nlp.addLanguage('sv');
  for (const set of trainingSets(data, municipality)) for (const example of set.examples) nlp.addDocument('sv', example, set.topic);
  await nlp.train();
  return async (text) => {
    const result = await nlp.process('sv', text);
    return (result.classifications ?? []).sort((a, b) => b.score - a.score).map((c) => c.intent).filter((i) => i !== 'None');
  };
}

export async function runRoutingEval(args: string[]): Promise<number> {
  const file = positional(args, ['--municipality', '--baseline']);
  if (!file) {
    process.stderr.write('usage: npm run eval -- routing FILE [--municipality ID] [--baseline bayes|nlpjs]\n');
    return 2;
  }
  const baseline = argValue(args, '--baseline');
  const verbose = args.includes('--verbose');
  if (baseline && baseline !== 'bayes' && baseline !== 'nlpjs') {
    process.stderr.write(`--baseline must be bayes or nlpjs, got "${baseline}"\n`);
    return 2;
  }
  const data = loadDataSet(join(repoRoot(), 'data'));
  const municipality = argValue(args, '--municipality') ?? 'mora';
  if (!data.packs.has(municipality)) {
    process.stderr.write(`no data pack "${municipality}" (packs: ${[...data.packs.keys()].join(', ')})\n`);
    return 2;
  }
  const lines: LabelledLine[] = readJsonLines(file);
  const topics = new Set(Object.keys(data.taxonomy.topics));
  const unknown = lines.filter((l) => !topics.has(l.label));
  if (unknown.length > 0) {
    process.stderr.write(`${unknown.length} lines have labels that are not taxonomy topics, e.g. "${unknown[0]?.label}"\n`);
    return 2;
  }

  let rank: (text: string) => Promise<string[]>;
  const trainStart = performance.now();
  if (baseline === 'bayes') {
    const r = bayesRanker(data, municipality);
    rank = async (text) => r(text);
  } else if (baseline === 'nlpjs') {
    rank = await nlpjsRanker(data, municipality);
  } else {
    const r = routerRanker(data, municipality);
    rank = async (text) => r(text);
  }
  const trainMs = performance.now() - trainStart;

  const timings: number[] = [];
  const perLabel = new Map<string, { n: number; top1: number; top3: number; predicted: number }>();
  const confusions = new Map<string, number>();
  let top1 = 0;
  let top3 = 0;
  for (const line of lines) {
    const started = performance.now();
    const ranked = await rank(line.text);
    timings.push(performance.now() - started);
    const entry = (label: string) => {
      let found = perLabel.get(label);
      if (!found) perLabel.set(label, (found = { n: 0, top1: 0, top3: 0, predicted: 0 }));
      return found;
    };
    const stats = entry(line.label);
    stats.n += 1;
    const first = ranked[0] ?? '(none)';
    entry(first).predicted += 1;
    if (first === line.label) {
      top1 += 1;
      stats.top1 += 1;
    } else {
      const key = `${line.label} → ${first}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
      if (verbose) process.stdout.write(`  miss: "${line.text}" (${line.label}) → ${ranked.slice(0, 3).join(', ')}\n`);
    }
    if (ranked.slice(0, 3).includes(line.label)) {
      top3 += 1;
      stats.top3 += 1;
    }
  }

  const n = lines.length;
  const name = baseline ? `baseline ${baseline}` : 'router';
  process.stdout.write(`Routing evaluation: ${name}, municipality ${municipality}, ${n} lines from ${file} (trained in ${Math.round(trainMs)} ms)\n\n`);
  printTable(
    ['label', 'n', 'top1', 'top3', 'precision'],
    [...perLabel]
      .filter(([, s]) => s.n > 0)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([label, s]) => [
        label,
        String(s.n),
        (s.top1 / s.n).toFixed(2),
        (s.top3 / s.n).toFixed(2),
        s.predicted > 0 ? (s.top1 / s.predicted).toFixed(2) : '-',
      ]),
  );
  printConfusions(confusions, 10);
  process.stdout.write(
    `${JSON.stringify({
      task: 'routing',
      ...(baseline ? { baseline } : {}),
      n,
      top1: round3(top1 / n),
      top3: round3(top3 / n),
      p50_ms: round3(percentile(timings, 50)),
      p99_ms: round3(percentile(timings, 99)),
    })}\n`,
  );
  return 0;
}
