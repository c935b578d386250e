import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import {
  OFF_TOPIC_INTENT,
  conversationExamples,
  type ConversationExamples,
  contactList,
  crisisConfig,
  focusAreaList,
  initiativeList,
  languages,
  municipalRoles,
  municipality as municipalitySchema,
  phrasingList,
  processList,
  processOverlays,
  scenarioList,
  staffSetup as staffSetupSchema,
  textCatalog,
  type Contact,
  type ContactRole,
  type CrisisConfig,
  type FocusArea,
  type Initiative,
  type Language,
  type Municipality,
  type PhrasingSet,
  type ProcessGuide,
  type ProcessOverlay,
  type Scenario,
  type StaffSetup,
  type TextCatalog,
} from './schema';
import { corpusLine, themeFile, themeMapFile, type CorpusLine, type Theme, type ThemeMap } from '../themes/schema';

const labels = z.record(z.string(), z.object({ sv: z.string(), en: z.string() }));
export const taxonomySchema = z.object({
  about: z.string().optional(),
  topics: labels,
  focusAreas: z.record(z.string(), labels),
});
export type Taxonomy = z.infer<typeof taxonomySchema>;

/** One municipality's data pack. Contacts are the pack's own; national ones are in `DataSet.shared`. */
export interface Pack {
  id: string;
  municipality: Municipality;
  contacts: Contact[];
  processes: Record<string, ProcessOverlay>;
  focusAreas: FocusArea[];
  initiatives: Initiative[];
  /** Pack-specific router phrasings (the shared ones are in DataSet.shared). */
  phrasings: PhrasingSet[];
  /** Teams, routing rules, service promise and answer templates for staff. */
  staff: StaffSetup;
  /** Where the shared themes go among this pack's focus areas (theme-map.json); absent: pack examples only. */
  themeMap?: ThemeMap;
}

export interface SharedData {
  processes: ProcessGuide[];
  scenarios: Scenario[];
  contacts: Contact[];
  phrasings: PhrasingSet[];
  crisis: CrisisConfig;
  /** The shared theme layer: themes.json and the corpus the theme classifier learns from. */
  themes: Theme[];
  themeCorpus: CorpusLine[];
  /** Examples for the conversation-intent classifier (data/shared/conversation.json); optional. */
  conversation?: ConversationExamples;
}

export interface DataSet {
  dataDir: string;
  taxonomy: Taxonomy;
  shared: SharedData;
  packs: Map<string, Pack>;
  texts: Record<Language, TextCatalog>;
  /** Not errors: what a municipality still has to fill in or verify, per pack ('' = shared). */
  notes: Map<string, string[]>;
}

export interface DataProblem {
  /** Path relative to the data directory, e.g. packs/mora/contacts.json. */
  file: string;
  /** The field, e.g. [3].phone; empty for the whole file. */
  field: string;
  message: string;
}

/** A data pack that cannot be used: every problem names the file and the field. */
export class DataPackError extends Error {
  constructor(
    readonly dataDir: string,
    readonly problems: DataProblem[],
  ) {
    super(
      `data packs in ${dataDir} are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('\n'),
    );
    this.name = 'DataPackError';
  }
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

class Reader {
  readonly problems: DataProblem[] = [];
  constructor(readonly dataDir: string) {}

  rel(file: string): string {
    return relative(this.dataDir, file) || file;
  }

  problem(file: string, field: string, message: string): void {
    this.problems.push({ file: this.rel(file), field, message });
  }

  read<T>(file: string, schema: z.ZodType<T>, options: { optional?: boolean } = {}): T | undefined {
    if (!existsSync(file)) {
      if (!options.optional) this.problem(file, '', 'file is missing');
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      this.problem(file, '', `not valid JSON: ${(error as Error).message}`);
      return undefined;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) this.problem(file, fieldPath(issue.path), issue.message);
      return undefined;
    }
    return parsed.data;
  }
}

/** A JSON Lines file, each line parsed with the schema; a problem names the line and field. */
function readJsonLines<T>(reader: Reader, file: string, schema: z.ZodType<T>, check?: (item: T) => { field: string; message: string } | undefined): T[] {
  if (!existsSync(file)) {
    reader.problem(file, '', 'file is missing');
    return [];
  }
  const out: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        reader.problem(file, `line ${index + 1}`, `not valid JSON: ${(error as Error).message}`);
        return;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) reader.problem(file, `line ${index + 1}${issue.path.length ? `.${fieldPath(issue.path)}` : ''}`, issue.message);
        return;
      }
      const problem = check?.(parsed.data);
      if (problem) {
        reader.problem(file, `line ${index + 1}.${problem.field}`, problem.message);
        return;
      }
      out.push(parsed.data);
    });
  return out;
}

const MUNICIPAL_ROLES: ReadonlySet<ContactRole> = new Set<ContactRole>(municipalRoles);

function loadTexts(reader: Reader, dir: string): Record<Language, TextCatalog> {
  const texts = { sv: {}, en: {} } as Record<Language, TextCatalog>;
  for (const lang of languages) {
    const langDir = join(dir, lang);
    if (!existsSync(langDir)) {
      reader.problem(langDir, '', 'text folder is missing');
      continue;
    }
    for (const name of readdirSync(langDir).filter((f) => f.endsWith('.json')).sort()) {
      const file = join(langDir, name);
      const catalog = reader.read(file, textCatalog);
      if (!catalog) continue;
      for (const [key, value] of Object.entries(catalog)) {
        if (key in texts[lang]) reader.problem(file, key, 'text key is defined twice');
        texts[lang][key] = value;
      }
    }
  }
  for (const key of Object.keys(texts.sv)) {
    if (!(key in texts.en)) reader.problem(join(dir, 'en'), key, 'text exists in Swedish but not in English');
  }
  for (const key of Object.keys(texts.en)) {
    if (!(key in texts.sv)) reader.problem(join(dir, 'sv'), key, 'text exists in English but not in Swedish');
  }
  return texts;
}

/**
 * Loads and validates everything under `dataDir`: the taxonomy, the shared national content,
 * every pack under packs/ and the texts. Throws one DataPackError listing every problem.
 */
export function loadDataSet(dataDir: string, options: { only?: readonly string[] } = {}): DataSet {
  const reader = new Reader(dataDir);
  const notes = new Map<string, string[]>();
  const note = (pack: string, text: string) => notes.set(pack, [...(notes.get(pack) ?? []), text]);

  const taxonomy = reader.read(join(dataDir, 'taxonomy.json'), taxonomySchema);
  const sharedDir = join(dataDir, 'shared');
  const processes = reader.read(join(sharedDir, 'processes.json'), processList) ?? [];
  const scenarios = reader.read(join(sharedDir, 'scenarios.json'), scenarioList) ?? [];
  const sharedContacts = reader.read(join(sharedDir, 'contacts.json'), contactList) ?? [];
  const phrasings = reader.read(join(sharedDir, 'phrasings.json'), phrasingList) ?? [];
  const crisis = reader.read(join(sharedDir, 'crisis.json'), crisisConfig);
  const conversation = reader.read(join(sharedDir, 'conversation.json'), conversationExamples, { optional: true });
  const texts = loadTexts(reader, join(dataDir, 'texts'));
  const themes = reader.read(join(dataDir, 'themes.json'), themeFile)?.themes ?? [];
  const themeIds = new Set(themes.map((t) => t.id));
  const corpusFile = join(sharedDir, 'theme-corpus.jsonl');
  const themeCorpus = readJsonLines(reader, corpusFile, corpusLine, (line) =>
    themeIds.has(line.theme) ? undefined : { field: 'theme', message: `"${line.theme}" is not a theme in themes.json` },
  );

  const topics = new Set(Object.keys(taxonomy?.topics ?? {}));
  const processFile = join(sharedDir, 'processes.json');
  if (taxonomy) {
    const seen = new Set<string>();
    processes.forEach((process, index) => {
      if (!topics.has(process.topic)) reader.problem(processFile, `[${index}].topic`, `"${process.topic}" is not a topic in taxonomy.json`);
      if (seen.has(process.topic)) reader.problem(processFile, `[${index}].topic`, `"${process.topic}" has two process guides`);
      seen.add(process.topic);
    });
    for (const topic of topics) if (!seen.has(topic)) reader.problem(processFile, '', `no process guide for topic "${topic}"`);
    const scenarioFile = join(sharedDir, 'scenarios.json');
    scenarios.forEach((scenario, index) => {
      if (!topics.has(scenario.primaryTopic)) reader.problem(scenarioFile, `[${index}].primaryTopic`, `"${scenario.primaryTopic}" is not a topic`);
      scenario.steps.forEach((step, stepIndex) => {
        if (!topics.has(step.topic)) reader.problem(scenarioFile, `[${index}].steps[${stepIndex}].topic`, `"${step.topic}" is not a topic`);
      });
    });
    const scenarioIds = new Set(scenarios.map((s) => s.id));
    const phrasingFile = join(sharedDir, 'phrasings.json');
    phrasings.forEach((set, index) => {
      const ok = set.intent === OFF_TOPIC_INTENT || (set.intent.startsWith('scenario:') ? scenarioIds.has(set.intent.slice(9)) : topics.has(set.intent));
      if (!ok) reader.problem(phrasingFile, `[${index}].intent`, `"${set.intent}" is neither a topic nor a scenario`);
    });
  }

  const sharedRoles = new Set(sharedContacts.flatMap((c) => c.roles));
  const packs = new Map<string, Pack>();
  const packsDir = join(dataDir, 'packs');
  const packIds = existsSync(packsDir)
    ? readdirSync(packsDir).filter((name) => statSync(join(packsDir, name)).isDirectory()).sort()
    : [];
  if (packIds.length === 0) reader.problem(packsDir, '', 'no municipality packs found');

  for (const id of packIds) {
    if (options.only && !options.only.includes(id)) continue;
    const dir = join(packsDir, id);
    const municipality = reader.read(join(dir, 'municipality.json'), municipalitySchema);
    const contacts = reader.read(join(dir, 'contacts.json'), contactList);
    const overlays = reader.read(join(dir, 'processes.json'), processOverlays);
    const focusAreas = reader.read(join(dir, 'focus-areas.json'), focusAreaList);
    const initiatives = reader.read(join(dir, 'initiatives.json'), initiativeList, { optional: true }) ?? [];
    const packPhrasings = reader.read(join(dir, 'phrasings.json'), phrasingList, { optional: true }) ?? [];
    const staff = reader.read(join(dir, 'staff.json'), staffSetupSchema);
    const themeMapPath = join(dir, 'theme-map.json');
    const themeMap = reader.read(themeMapPath, themeMapFile, { optional: true });
    if (!municipality || !contacts || !overlays || !focusAreas || !staff) continue;
    if (municipality.id !== id) reader.problem(join(dir, 'municipality.json'), 'id', `must be "${id}" (the folder name)`);

    const contactIds = new Set(contacts.map((c) => c.id));
    const packRoles = new Set(contacts.flatMap((c) => c.roles));
    const initiativeIds = new Set(initiatives.map((i) => i.id));
    const overlayFile = join(dir, 'processes.json');
    for (const [topic, overlay] of Object.entries(overlays)) {
      if (taxonomy && !topics.has(topic)) reader.problem(overlayFile, topic, `"${topic}" is not a topic in taxonomy.json`);
      for (const [field, ref] of [['contact', overlay.contact], ...overlay.alsoContacts.map((c, i) => [`alsoContacts[${i}]`, c])] as Array<[string, string | undefined]>) {
        if (ref && !contactIds.has(ref)) reader.problem(overlayFile, `${topic}.${field}`, `no contact "${ref}" in contacts.json`);
      }
      overlay.initiatives.forEach((ref, i) => {
        if (!initiativeIds.has(ref)) reader.problem(overlayFile, `${topic}.initiatives[${i}]`, `no initiative "${ref}" in initiatives.json`);
      });
    }
    const contactFile = join(dir, 'contacts.json');
    processes.forEach((process) => {
      for (const role of [process.contactRole, ...process.alsoRoles]) {
        if (!packRoles.has(role) && !sharedRoles.has(role)) {
          if (MUNICIPAL_ROLES.has(role) || role === process.contactRole) {
            reader.problem(contactFile, '', `no contact with role "${role}" (needed by process "${process.topic}")`);
          } else {
            note(id, `no contact for role "${role}" (mentioned by "${process.topic}")`);
          }
        }
      }
      if (!overlays[process.topic]) note(id, `no local facts for topic "${process.topic}" (national guidance only)`);
    });
    const taxonomyAreas = taxonomy?.focusAreas[id];
    const areaFile = join(dir, 'focus-areas.json');
    if (taxonomyAreas) {
      const ids = new Set(focusAreas.map((a) => a.id));
      for (const areaId of Object.keys(taxonomyAreas)) {
        if (!ids.has(areaId)) reader.problem(areaFile, '', `focus area "${areaId}" from taxonomy.json is missing`);
      }
      focusAreas.forEach((area, index) => {
        if (!(area.id in taxonomyAreas)) reader.problem(areaFile, `[${index}].id`, `"${area.id}" is not a focus area of ${id} in taxonomy.json`);
      });
    } else {
      focusAreas.forEach((area, index) => {
        if (!area.id.startsWith(`${id}.`)) reader.problem(areaFile, `[${index}].id`, `expected an id starting with "${id}."`);
      });
    }
    const staffFile = join(dir, 'staff.json');
    const teamIds = new Set(staff.teams.map((t) => t.id));
    const areaIds = new Set(focusAreas.map((a) => a.id));
    if (!teamIds.has(staff.defaultTeam)) reader.problem(staffFile, 'defaultTeam', `no team "${staff.defaultTeam}" in teams`);
    staff.rules.forEach((rule, index) => {
      if (!teamIds.has(rule.team)) reader.problem(staffFile, `rules[${index}].team`, `no team "${rule.team}" in teams`);
      if (rule.focusArea && !areaIds.has(rule.focusArea)) reader.problem(staffFile, `rules[${index}].focusArea`, `"${rule.focusArea}" is not a focus area of ${id}`);
      if (rule.topic && taxonomy && !topics.has(rule.topic)) reader.problem(staffFile, `rules[${index}].topic`, `"${rule.topic}" is not a topic in taxonomy.json`);
    });
    if (themeMap) {
      const mapped = new Set<string>();
      themeMap.map.forEach((entry, index) => {
        if (!themeIds.has(entry.theme)) reader.problem(themeMapPath, `map[${index}].theme`, `"${entry.theme}" is not a theme in themes.json`);
        if (mapped.has(entry.theme)) reader.problem(themeMapPath, `map[${index}].theme`, `"${entry.theme}" is mapped twice`);
        mapped.add(entry.theme);
        entry.areas.forEach((a, i) => {
          if (!areaIds.has(a.area)) reader.problem(themeMapPath, `map[${index}].areas[${i}].area`, `"${a.area}" is not a focus area of ${id}`);
        });
        entry.rules.forEach((rule, i) => {
          if (!areaIds.has(rule.area)) reader.problem(themeMapPath, `map[${index}].rules[${i}].area`, `"${rule.area}" is not a focus area of ${id}`);
          try {
            new RegExp(rule.pattern);
          } catch (error) {
            reader.problem(themeMapPath, `map[${index}].rules[${i}].pattern`, `not a regular expression: ${(error as Error).message}`);
          }
        });
      });
      for (const theme of themeIds) if (!mapped.has(theme)) note(id, `theme "${theme}" has no focus area in theme-map.json (pack examples only)`);
    } else {
      note(id, 'no theme-map.json: suggestions are tagged from the pack examples only');
    }
    for (const contact of contacts) if (contact.toVerify) note(id, `contact "${contact.id}" is to be verified by the municipality`);
    for (const initiative of initiatives) if (initiative.toVerify) note(id, `initiative "${initiative.id}" is to be verified`);
    packs.set(id, { id, municipality, contacts, processes: overlays, focusAreas, initiatives, phrasings: packPhrasings, staff, ...(themeMap ? { themeMap } : {}) });
  }

  if (reader.problems.length > 0 || !taxonomy || !crisis) {
    if (!crisis && !reader.problems.some((p) => p.file.includes('crisis'))) reader.problem(join(sharedDir, 'crisis.json'), '', 'missing');
    throw new DataPackError(dataDir, reader.problems);
  }
  return {
    dataDir,
    taxonomy,
    shared: { processes, scenarios, contacts: sharedContacts, phrasings, crisis, themes, themeCorpus, conversation },
    packs,
    texts,
    notes,
  };
}
