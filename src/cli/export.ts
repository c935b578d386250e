/**
 * npm run export -- feedback --municipality ID [--format jsonl|csv] [--delimiter ';'] [--since 2026-01-01]
 * npm run export -- sessions --code CODE [--format csv|json] [--delimiter ';']   (a focus group's answers, anonymous)
 * CSV cells that a spreadsheet would run as a formula are neutralised (src/domain/csv.ts).
 * Writes every feedback item of a municipality to stdout, from the configured store (SQLite or
 * Cosmos DB): id, reference, municipality, kind, masked text, focus area, secondary area, topic,
 * confidence, status, supports, createdAt. Contact details are never exported.
 */
import { join } from 'node:path';
import { ConfigError, loadConfig, readDotEnv, repoRoot } from '../config';
import { createLogger } from '../log';
import { createStore } from '../store';
import type { FeedbackItem } from '../domain/feedback/types';
import { argValue, positional } from '../eval/common';
import { loadDataSet } from '../domain/packs/loader';
import { createFocusGroups } from '../domain/focusGroups/service';
import { loadTemplates } from '../domain/focusGroups/template';
import { csvCell, csvDelimiters, type CsvDelimiter } from '../domain/csv';

export const EXPORT_COLUMNS = [
  'id',
  'reference',
  'municipality',
  'kind',
  'text',
  'focusArea',
  'secondaryArea',
  'topic',
  'confidence',
  'serviceFactor',
  'status',
  'supports',
  'createdAt',
] as const;

export function exportRow(item: FeedbackItem): Record<(typeof EXPORT_COLUMNS)[number], string | number | null> {
  return {
    id: item.id,
    reference: item.reference,
    municipality: item.municipality,
    kind: item.kind,
    text: item.text,
    focusArea: item.focusArea,
    secondaryArea: item.secondaryArea ?? null,
    topic: item.topic ?? null,
    confidence: item.focusConfidence,
    serviceFactor: item.serviceFactor ?? null,
    status: item.status,
    supports: item.supports,
    createdAt: item.createdAt,
  };
}

/** The first line of an export ('' for JSON Lines). */
export function exportHeader(format: 'jsonl' | 'csv', delimiter: CsvDelimiter = ','): string {
  return format === 'csv' ? `${EXPORT_COLUMNS.map((c) => csvCell(c, delimiter)).join(delimiter)}\r\n` : '';
}

/** One item as a line of an export, with its line end (for streaming); CSV cells neutralised (src/domain/csv.ts). */
export function exportLine(item: FeedbackItem, format: 'jsonl' | 'csv', delimiter: CsvDelimiter = ','): string {
  const row = exportRow(item);
  return format === 'jsonl' ? `${JSON.stringify(row)}\n` : `${EXPORT_COLUMNS.map((column) => csvCell(row[column], delimiter)).join(delimiter)}\r\n`;
}

export function formatItems(items: FeedbackItem[], format: 'jsonl' | 'csv', delimiter: CsvDelimiter = ','): string {
  return exportHeader(format, delimiter) + items.map((item) => exportLine(item, format, delimiter)).join('');
}

function parseDelimiter(value: string | undefined): CsvDelimiter | undefined {
  if (value === undefined) return ',';
  return csvDelimiters.find((d) => d === value);
}

async function exportSession(args: string[]): Promise<number> {
  const code = argValue(args, '--code');
  const format = argValue(args, '--format') ?? 'csv';
  const delimiter = parseDelimiter(argValue(args, '--delimiter'));
  if (!code || (format !== 'csv' && format !== 'json') || !delimiter) {
    process.stderr.write("usage: npm run export -- sessions --code CODE [--format csv|json] [--delimiter ';']\n");
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'error', ...readDotEnv(join(repoRoot(), '.env')), ...process.env });
  const store = await createStore(config.store, { logger: createLogger('error'), timeoutMs: config.storeTimeoutMs });
  try {
    const groups = createFocusGroups({
      data: loadDataSet(config.dataDir),
      templates: loadTemplates(join(config.dataDir, 'dialogues')),
      repo: store.focusGroups,
      now: () => new Date(),
    });
    const session = await groups.byCode(code);
    if (!session) {
      process.stderr.write(`no focus group session with code ${code}\n`);
      return 1;
    }
    // Answers are anonymous: participants appear as numbers, never as user ids.
    if (format === 'csv') process.stdout.write(await groups.csv(session.id, delimiter));
    else {
      const results = await groups.results(session.id);
      process.stdout.write(`${JSON.stringify({ code: session.code, template: session.templateId, municipality: session.municipality, status: session.status, progress: await groups.progress(session.id), steps: results.steps }, null, 2)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function main(args: string[]): Promise<number> {
  if (positional(args, ['--code', '--format', '--delimiter']) === 'sessions') return exportSession(args);
  const what = positional(args, ['--municipality', '--format', '--since', '--delimiter']);
  const municipality = argValue(args, '--municipality');
  const format = argValue(args, '--format') ?? 'jsonl';
  const delimiter = parseDelimiter(argValue(args, '--delimiter'));
  if (what !== 'feedback' || !municipality || (format !== 'jsonl' && format !== 'csv') || !delimiter) {
    process.stderr.write("usage: npm run export -- feedback --municipality ID [--format jsonl|csv] [--delimiter ';'] [--since YYYY-MM-DD]\n");
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'error', ...readDotEnv(join(repoRoot(), '.env')), ...process.env });
  const store = await createStore(config.store, { logger: createLogger('error'), timeoutMs: config.storeTimeoutMs });
  try {
    const items = (await store.feedback.list(municipality, { since: argValue(args, '--since') })).reverse();
    process.stdout.write(formatItems(items, format, delimiter));
    process.stderr.write(`${items.length} items exported from ${config.store.kind}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`export failed: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
