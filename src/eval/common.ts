import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface LabelledLine {
  text: string;
  label: string;
}

const lineSchema = z.object({ text: z.string().min(1), label: z.string().min(1) });

/** Reads JSON Lines {"text","label"}; a bad line stops with its line number. */
export function readJsonLines(file: string): LabelledLine[] {
  const lines: LabelledLine[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      if (!raw.trim()) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not JSON (${(error as Error).message})`);
      }
      const line = lineSchema.safeParse(parsed);
      if (!line.success) throw new Error(`${file}:${index + 1}: expected {"text": "...", "label": "..."}`);
      lines.push(line.data);
    });
  if (lines.length === 0) throw new Error(`${file}: no lines`);
  return lines;
}

export function argValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** The first argument that is neither an option nor an option's value. */
export function positional(args: string[], optionsWithValues: string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (optionsWithValues.includes(arg)) {
      i += 1;
      continue;
    }
    if (!arg.startsWith('--')) return arg;
  }
  return undefined;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}

/** Prints the most frequent "expected → predicted" mistakes. */
export function printConfusions(confusions: Map<string, number>, most: number): void {
  const worst = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, most);
  process.stdout.write(`\nMost frequent confusions (expected → predicted):\n${worst.map(([k, v]) => `  ${v} × ${k}`).join('\n') || '  none'}\n\n`);
}

/** Three decimals, as printed in the summary line. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
