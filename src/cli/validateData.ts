/**
 * npm run validate:data [-- --data DIR]
 * Checks every data pack (zod schemas and cross-references) and prints, per pack, what it holds
 * and what the municipality still has to fill in or verify. Exit code 1 when a pack is invalid.
 */
import { resolve } from 'node:path';
import { join } from 'node:path';
import { DataPackError, loadDataSet } from '../domain/packs/loader';
import { DialogueTemplateError, loadTemplates } from '../domain/focusGroups/template';

function main(argv: string[]): number {
  const flag = argv.indexOf('--data');
  const dataDir = resolve((flag >= 0 ? argv[flag + 1] : undefined) || (process.env.DATA_DIR ?? 'data'));
  let data;
  try {
    data = loadDataSet(dataDir);
  } catch (error) {
    if (error instanceof DataPackError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  let templates;
  try {
    templates = loadTemplates(join(dataDir, 'dialogues'));
  } catch (error) {
    if (error instanceof DialogueTemplateError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const out: string[] = [];
  out.push(`Data in ${dataDir}: valid.`);
  out.push(`Focus group templates: ${templates.map((t) => t.id).join(', ')}.`);
  out.push(
    `Shared: ${data.shared.processes.length} process guides, ${data.shared.scenarios.length} scenarios, ` +
      `${data.shared.contacts.length} national contacts, ${data.shared.phrasings.reduce((n, p) => n + p.sv.length + p.en.length, 0)} router phrasings, ` +
      `${data.shared.crisis.helpLines.length} help lines.`,
  );
  const topics = Object.keys(data.taxonomy.topics);
  for (const pack of data.packs.values()) {
    const examples = pack.focusAreas.reduce((n, a) => n + a.examples.sv.length + a.examples.en.length, 0);
    const verify = pack.contacts.filter((c) => c.toVerify).length;
    const local = topics.filter((t) => pack.processes[t]).length;
    out.push('');
    out.push(`${pack.municipality.name} (${pack.id})`);
    out.push(`  contacts: ${pack.contacts.length} (${verify} to verify by the municipality)`);
    out.push(`  topics with local facts: ${local}/${topics.length}`);
    out.push(`  focus areas: ${pack.focusAreas.length}${pack.focusAreas.some((a) => a.derived) ? ' (derived from the strategy themes)' : ''}, tagging examples: ${examples}`);
    out.push(`  initiatives: ${pack.initiatives.length}, own phrasings: ${pack.phrasings.length}`);
    const notes = data.notes.get(pack.id) ?? [];
    if (notes.length === 0) out.push('  missing: nothing');
    else {
      out.push(`  missing or to verify (${notes.length}):`);
      for (const line of notes) out.push(`    - ${line}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
