/**
 * npm run export -- feedback --municipality ID [--format jsonl|csv] [--since 2026-01-01]
 * npm run export -- sessions --code CODE [--format csv|json]   (a focus group's answers, anonymous)
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

/** RFC 4180 CSV cell; cells that a spreadsheet would run as a formula are prefixed with '. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The first line of an export ('' for JSON Lines). */
export function exportHeader(format: 'jsonl' | 'csv'): string {
  return format === 'csv' ? `${EXPORT_COLUMNS.join(',')}\r\n` : '';
}

/** One item as a line of an export, with its line end (for streaming). */
export function exportLine(item: FeedbackItem, format: 'jsonl' | 'csv'): string {
  const row = exportRow(item);
  return format === 'jsonl' ? `${JSON.stringify(row)}\n` : `${EXPORT_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`;
}

export function formatItems(items: FeedbackItem[], format: 'jsonl' | 'csv'): string {
  return exportHeader(format) + items.map((item) => exportLine(item, format)).join('');
}

async function exportSession(args: string[]): Promise<number> {
  const code = argValue(args, '--code');
  const format = argValue(args, '--format') ?? 'csv';
  if (!code || (format !== 'csv' && format !== 'json')) {
    process.stderr.write('usage: npm run export -- sessions --code CODE [--format csv|json]\n');
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'error', ...readDotEnv(join(repoRoot(), '.env')), ...process.env });
  const store = await createStore(config.store, { logger: createLogger('error') });
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
    if (format === 'csv') process.stdout.write(await groups.csv(session.id));
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
  if (positional(args, ['--code', '--format']) === 'sessions') return exportSession(args);
  const what = positional(args, ['--municipality', '--format', '--since']);
  const municipality = argValue(args, '--municipality');
  const format = argValue(args, '--format') ?? 'jsonl';
  if (what !== 'feedback' || !municipality || (format !== 'jsonl' && format !== 'csv')) {
    process.stderr.write('usage: npm run export -- feedback --municipality ID [--format jsonl|csv] [--since YYYY-MM-DD]\n');
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'error', ...readDotEnv(join(repoRoot(), '.env')), ...process.env });
  const store = await createStore(config.store, { logger: createLogger('error') });
  try {
    const items = (await store.feedback.list(municipality, { since: argValue(args, '--since') })).reverse();
    process.stdout.write(formatItems(items, format));
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
