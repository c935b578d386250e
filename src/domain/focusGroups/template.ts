import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Focus groups: structured dialogues that a facilitator (business office, näringslivsenhet) runs
 * with local businesses – a company dialogue about the municipality's focus areas, a focus group on
 * the building-permit process, a dialogue café, a follow-up of the action plan.
 *
 * A dialogue template is a JSON file under data/dialogues/. It holds the consent text, and the steps
 * in the order the participants meet them. Every text is in Swedish and English.
 */

/** A text in both languages. */
export const localizedText = z.strictObject({ sv: z.string().trim().min(1), en: z.string().trim().min(1) });
export type LocalizedText = z.infer<typeof localizedText>;

/** Template id: lower-case letters, digits and "-", e.g. "company-dialogue". */
const templateId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lower-case id (a-z, 0-9 and "-", e.g. "company-dialogue")');

/** Step, option and item ids; "." is allowed so that focus-area ids ("mora.competence") fit. */
const elementId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id (a-z, 0-9, "-", ".")');

/** A pack id ("mora", "hedemora") or "all" for a template every municipality may use. */
const municipality = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a pack id (e.g. "mora") or "all"');

export const choiceOption = z.strictObject({ id: elementId, label: localizedText });
export type ChoiceOption = z.infer<typeof choiceOption>;

/** Largest number of steps between the ends of a scale (max - min), so 1–5, 1–7 and 0–10 fit. */
export const MAX_SCALE_STEPS = 10;

const infoStep = z.strictObject({ type: z.literal('info'), id: elementId, text: localizedText });

const openStep = z.strictObject({
  type: z.literal('open'),
  id: elementId,
  question: localizedText,
  optional: z.boolean().default(true),
});

const singleStep = z.strictObject({
  type: z.literal('single'),
  id: elementId,
  question: localizedText,
  options: z.array(choiceOption).min(2, 'a single choice needs at least 2 options'),
});

const multipleStep = z.strictObject({
  type: z.literal('multiple'),
  id: elementId,
  question: localizedText,
  options: z.array(choiceOption).min(2, 'a multiple choice needs at least 2 options'),
  /** The most options one participant may choose; all of them when left out. */
  max: z.number().int().positive().optional(),
});

const scaleStep = z.strictObject({
  type: z.literal('scale'),
  id: elementId,
  question: localizedText,
  min: z.number().int(),
  max: z.number().int(),
  minLabel: localizedText,
  maxLabel: localizedText,
});

const rankingStep = z.strictObject({
  type: z.literal('ranking'),
  id: elementId,
  question: localizedText,
  /** The items to rank. With `source: "focus-areas"` they come from the pack at runtime and may be empty. */
  items: z.array(choiceOption).default([]),
  source: z.literal('focus-areas').optional(),
});

const statementsStep = z.strictObject({
  type: z.literal('statements'),
  id: elementId,
  question: localizedText,
  /** The statements the group starts with; their ids are seed-1, seed-2, … (see seedStatementId). */
  seed: z.array(localizedText),
  /** Whether participants may add statements of their own for the others to vote on. */
  allowNew: z.boolean(),
});

const inspelStep = z.strictObject({
  type: z.literal('inspel'),
  id: elementId,
  question: localizedText,
});

export const dialogueStep = z.discriminatedUnion('type', [
  infoStep,
  openStep,
  singleStep,
  multipleStep,
  scaleStep,
  rankingStep,
  statementsStep,
  inspelStep,
]);
export type DialogueStep = z.infer<typeof dialogueStep>;
export type StepType = DialogueStep['type'];
export type StepOf<T extends StepType> = Extract<DialogueStep, { type: T }>;

export const stepTypes: readonly StepType[] = [
  'info',
  'open',
  'single',
  'multiple',
  'scale',
  'ranking',
  'statements',
  'inspel',
];

/** The id of the seed statement at `index` (0-based) of a statements step: seed-1, seed-2, … */
export function seedStatementId(index: number): string {
  return `seed-${index + 1}`;
}

function checkUniqueIds(
  ids: readonly string[],
  ctx: z.RefinementCtx,
  path: ReadonlyArray<string | number>,
  field: string,
  what: string,
): void {
  const seen = new Map<string, number>();
  ids.forEach((id, index) => {
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, index);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: [...path, index, field],
      message: `duplicate ${what} id "${id}" (also at ${path.length > 0 ? String(path[path.length - 1]) : ''}[${first}])`,
    });
  });
}

export const dialogueTemplate = z
  .strictObject({
    id: templateId,
    title: localizedText,
    purpose: localizedText,
    municipality,
    /** Consent and anonymity: what is collected, that answers are shown without names, how inspel is sent on. */
    consent: localizedText,
    steps: z.array(dialogueStep).min(1, 'a dialogue needs at least one step'),
  })
  .superRefine((template, ctx) => {
    checkUniqueIds(
      template.steps.map((step) => step.id),
      ctx,
      ['steps'],
      'id',
      'step',
    );
    template.steps.forEach((step, index) => {
      const at = ['steps', index] as const;
      switch (step.type) {
        case 'single':
        case 'multiple':
          checkUniqueIds(
            step.options.map((option) => option.id),
            ctx,
            [...at, 'options'],
            'id',
            'option',
          );
          if (step.type === 'multiple' && step.max !== undefined && step.max > step.options.length) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'max'],
              message: `max (${step.max}) is more than the number of options (${step.options.length})`,
            });
          }
          break;
        case 'scale':
          if (step.max <= step.min) {
            ctx.addIssue({ code: 'custom', path: [...at, 'max'], message: `max (${step.max}) must be greater than min (${step.min})` });
          } else if (step.max - step.min > MAX_SCALE_STEPS) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'max'],
              message: `a scale has at most ${MAX_SCALE_STEPS} steps between min and max (got ${step.min}–${step.max})`,
            });
          }
          break;
        case 'ranking':
          if (step.source === undefined && step.items.length < 2) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'items'],
              message: 'a ranking needs at least 2 items (or "source": "focus-areas")',
            });
          }
          checkUniqueIds(
            step.items.map((item) => item.id),
            ctx,
            [...at, 'items'],
            'id',
            'item',
          );
          break;
        case 'statements':
          if (step.seed.length === 0 && !step.allowNew) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'seed'],
              message: 'statements need at least one seed statement, or "allowNew": true',
            });
          }
          break;
        case 'info':
        case 'open':
        case 'inspel':
          break;
      }
    });
  });
export type DialogueTemplate = z.infer<typeof dialogueTemplate>;
/** A template as written in JSON (defaults not yet filled in). */
export type DialogueTemplateInput = z.input<typeof dialogueTemplate>;

/** A field path as the data loader writes it: steps[2].min, title.sv. */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

/** A note on which step a path points into, e.g. ` (step "satisfaction", scale)`. */
function stepHint(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path[0] !== 'steps' || typeof path[1] !== 'number' || path.length < 3) return '';
  if (typeof raw !== 'object' || raw === null) return '';
  const steps = (raw as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return '';
  const step: unknown = steps[path[1]];
  if (typeof step !== 'object' || step === null) return '';
  const { id, type } = step as { id?: unknown; type?: unknown };
  const parts = [typeof id === 'string' ? `step "${id}"` : '', typeof type === 'string' ? type : ''].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** One problem in one template file. */
export interface TemplateProblem {
  /** File name relative to the templates directory, e.g. company-dialogue.json. */
  file: string;
  /** e.g. steps[2].min; empty for the whole file. */
  field: string;
  message: string;
}

/** Template files that cannot be used; every problem names the file and the field. */
export class DialogueTemplateError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: TemplateProblem[],
  ) {
    super(
      problems.length === 1 && problems[0]
        ? describeProblem(problems[0])
        : `dialogue templates in ${dir} are invalid (${problems.length} problems):\n` +
            problems.map((problem) => `  ${describeProblem(problem)}`).join('\n'),
    );
    this.name = 'DialogueTemplateError';
  }
}

function describeProblem(problem: TemplateProblem): string {
  return `${problem.file}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`;
}

/** Validates one parsed template; `file` is only used in the problems. */
export function checkTemplate(raw: unknown, file: string): { template?: DialogueTemplate; problems: TemplateProblem[] } {
  const parsed = dialogueTemplate.safeParse(raw);
  if (parsed.success) return { template: parsed.data, problems: [] };
  return {
    problems: parsed.error.issues.map((issue) => ({
      file,
      field: formatFieldPath(issue.path),
      message: `${issue.message}${stepHint(raw, issue.path)}`,
    })),
  };
}

/**
 * Reads and validates every *.json file in `dir` (not sub-directories), sorted by file name.
 * Throws a DialogueTemplateError naming the file and the field of every problem: invalid JSON,
 * a field that breaks the schema, duplicate step ids, two files with the same template id.
 */
export function loadTemplates(dir: string): DialogueTemplate[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DialogueTemplateError(dir, [{ file: dir, field: '', message: 'templates directory is missing' }]);
  }
  const files = readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith('.json'))
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
  const problems: TemplateProblem[] = [];
  const templates: DialogueTemplate[] = [];
  const fileOfId = new Map<string, string>();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push({ file, field: '', message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const checked = checkTemplate(raw, file);
    problems.push(...checked.problems);
    if (!checked.template) continue;
    const other = fileOfId.get(checked.template.id);
    if (other !== undefined) {
      problems.push({ file, field: 'id', message: `template id "${checked.template.id}" is also used by ${other}` });
      continue;
    }
    fileOfId.set(checked.template.id, file);
    templates.push(checked.template);
  }
  if (problems.length > 0) throw new DialogueTemplateError(dir, problems);
  return templates;
}

/** Templates a municipality may use: its own and those for "all". */
export function templatesFor(templates: readonly DialogueTemplate[], packId: string): DialogueTemplate[] {
  return templates.filter((template) => template.municipality === 'all' || template.municipality === packId);
}
