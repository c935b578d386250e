/**
 * npm run classifier:work [-- --chars 4000] [--runs 20] [--unbounded]
 * Measures what the router's classifier costs for one message of made-up words (no known word,
 * so every word goes through the typo and compound search): milliseconds per message and the
 * number of candidate lookups, against a normal question. Last line: one JSON object.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { join } from 'node:path';
import { repoRoot } from '../config';
import { loadDataSet } from '../domain/packs/loader';
import { trainClassifier } from '../domain/text/classifier';
import { argValue } from '../eval/common';

/** Deterministic made-up words of 6 to 14 letters. */
export function madeUpText(chars: number, seed = 7): string {
  let state = seed;
  const random = () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
  const letters = 'abcdefghijklmnoprstuvyåäö';
  const out: string[] = [];
  let length = 0;
  while (length < chars) {
    const size = 6 + Math.floor(random() * 9);
    let word = '';
    for (let i = 0; i < size; i += 1) word += letters.charAt(Math.floor(random() * letters.length));
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ').slice(0, chars);
}

function main(argv: string[]): void {
  const chars = Number(argValue(argv, '--chars') ?? 4000);
  const runs = Number(argValue(argv, '--runs') ?? 20);
  const data = loadDataSet(join(repoRoot(), 'data'));
  const classifier = trainClassifier(
    data.shared.phrasings.map((set) => ({ label: set.intent, examples: [...set.sv, ...set.en], keywords: set.keywords })),
    { epochs: 40 },
  );
  const budget = argValue(argv, '--unbounded') !== undefined || argv.includes('--unbounded') ? Infinity : undefined;
  const measure = (text: string) => {
    classifier.classify(text, budget);
    const started = performance.now();
    let lookups = 0;
    for (let i = 0; i < runs; i += 1) lookups = classifier.classify(text, budget).lookups;
    return { ms: Math.round(((performance.now() - started) / runs) * 100) / 100, lookups };
  };
  const madeUp = measure(madeUpText(chars));
  const normal = measure('Hur söker jag serveringstillståndsansökan för min restaurang och vad kostar bygglvo?');
  process.stdout.write(`made-up words, ${chars} characters: ${madeUp.ms} ms per message, ${madeUp.lookups} candidate lookups\n`);
  process.stdout.write(`a normal question: ${normal.ms} ms, ${normal.lookups} lookups\n`);
  process.stdout.write(`${JSON.stringify({ chars, runs, madeUp, normal })}\n`);
}

if (require.main === module) main(process.argv.slice(2));
