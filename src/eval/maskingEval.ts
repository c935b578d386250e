/**
 * npm run eval -- masking FILE [--misses]
 *
 * Masks every line of a JSON Lines file ({"id", "text", "mask": [...], "keep": [...], "kind"}) with the
 * same masker every stored text goes through. A `mask` substring counts as masked when it no longer
 * occurs in the result; a `keep` substring counts as destroyed when it no longer occurs. Prints masked %
 * and destroyed % per kind (and with --misses the lines that fall short), and as its last line
 * {"task":"masking","n":N,"masked":0.xx,"destroyed":0.xx,"perKind":{…}}.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { maskPersonalData } from '../domain/privacy/mask';
import { positional, printTable, round3 } from './common';

const vectorSchema = z.object({
  id: z.string(),
  text: z.string(),
  mask: z.array(z.string()),
  keep: z.array(z.string()),
  kind: z.string(),
});
export type MaskingVector = z.infer<typeof vectorSchema>;

export interface KindScore {
  lines: number;
  mask: number;
  masked: number;
  keep: number;
  destroyed: number;
}

export interface MaskingScore {
  total: KindScore;
  perKind: Map<string, KindScore>;
  misses: Array<{ id: string; result: string; survived: string[]; destroyed: string[] }>;
}

export function readMaskingVectors(file: string): MaskingVector[] {
  const vectors: MaskingVector[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      if (!raw.trim()) return;
      const parsed = vectorSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: expected {"id","text","mask":[…],"keep":[…],"kind"}`);
      vectors.push(parsed.data);
    });
  if (vectors.length === 0) throw new Error(`${file}: no lines`);
  return vectors;
}

const empty = (): KindScore => ({ lines: 0, mask: 0, masked: 0, keep: 0, destroyed: 0 });

export function scoreMasking(vectors: MaskingVector[]): MaskingScore {
  const total = empty();
  const perKind = new Map<string, KindScore>();
  const misses: MaskingScore['misses'] = [];
  for (const vector of vectors) {
    const result = maskPersonalData(vector.text).text;
    const survived = vector.mask.filter((s) => result.includes(s));
    const destroyed = vector.keep.filter((s) => !result.includes(s));
    const kind = perKind.get(vector.kind) ?? empty();
    perKind.set(vector.kind, kind);
    for (const score of [total, kind]) {
      score.lines += 1;
      score.mask += vector.mask.length;
      score.masked += vector.mask.length - survived.length;
      score.keep += vector.keep.length;
      score.destroyed += destroyed.length;
    }
    if (survived.length > 0 || destroyed.length > 0) misses.push({ id: vector.id, result, survived, destroyed });
  }
  return { total, perKind, misses };
}

export const maskedShare = (s: KindScore): number => (s.mask === 0 ? 1 : s.masked / s.mask);
export const destroyedShare = (s: KindScore): number => (s.keep === 0 ? 0 : s.destroyed / s.keep);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function runMaskingEval(args: string[]): number {
  const file = positional(args, []);
  if (!file) {
    process.stderr.write('usage: npm run eval -- masking FILE [--misses]\n');
    return 2;
  }
  const vectors = readMaskingVectors(file);
  const score = scoreMasking(vectors);
  process.stdout.write(`Masking evaluation: ${vectors.length} lines from ${file}\n\n`);
  const row = (name: string, s: KindScore) => [name, String(s.lines), `${s.masked}/${s.mask}`, pct(maskedShare(s)), `${s.destroyed}/${s.keep}`, pct(destroyedShare(s))];
  printTable(
    ['kind', 'lines', 'masked', 'masked %', 'destroyed', 'destroyed %'],
    [...[...score.perKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, s]) => row(kind, s)), row('all', score.total)],
  );
  if (args.includes('--misses')) {
    for (const miss of score.misses) {
      process.stdout.write(`\n${miss.id}: ${miss.result}\n  survived: ${JSON.stringify(miss.survived)}  destroyed: ${JSON.stringify(miss.destroyed)}\n`);
    }
  }
  const perKind = Object.fromEntries(
    [...score.perKind].map(([kind, s]) => [kind, { n: s.lines, masked: round3(maskedShare(s)), destroyed: round3(destroyedShare(s)) }]),
  );
  process.stdout.write(
    `\n${JSON.stringify({ task: 'masking', n: vectors.length, masked: round3(maskedShare(score.total)), destroyed: round3(destroyedShare(score.total)), perKind })}\n`,
  );
  return 0;
}
