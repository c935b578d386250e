import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DialogueTemplateError,
  dialogueTemplate,
  loadTemplates,
  seedStatementId,
  templatesFor,
  type DialogueTemplate,
} from '../../src/domain/focusGroups/template';

const DIALOGUES = join(__dirname, '..', '..', 'data', 'dialogues');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fl-dialogues-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** A copy of a shipped template as plain JSON, to break on purpose. */
function rawTemplate(file: string): Record<string, unknown> & { steps: Array<Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(DIALOGUES, file), 'utf8')) as Record<string, unknown> & {
    steps: Array<Record<string, unknown>>;
  };
}

function loadError(dir: string): DialogueTemplateError {
  try {
    loadTemplates(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(DialogueTemplateError);
    return error as DialogueTemplateError;
  }
  throw new Error('expected loadTemplates to throw');
}

const minimal = {
  id: 'mini',
  title: { sv: 'Liten dialog', en: 'Small dialogue' },
  purpose: { sv: 'Test', en: 'Test' },
  municipality: 'all',
  consent: { sv: 'Svaren är anonyma.', en: 'Answers are anonymous.' },
};
const q = { sv: 'Fråga?', en: 'Question?' };

describe('the shipped dialogue templates', () => {
  const templates = loadTemplates(DIALOGUES);
  const byId = new Map(templates.map((template) => [template.id, template]));

  it('load and validate: at least four, all for every municipality', () => {
    expect(templates.length).toBeGreaterThanOrEqual(4);
    for (const id of ['company-dialogue', 'focus-group-bygglov', 'dialogue-cafe-attractiveness', 'action-plan-follow-up']) {
      expect(byId.has(id), id).toBe(true);
    }
    for (const template of templates) {
      expect(template.municipality).toBe('all');
      expect(template.consent.sv.length).toBeGreaterThan(20);
      expect(template.consent.en.length).toBeGreaterThan(20);
    }
    expect(templatesFor(templates, 'mora').length).toBe(templates.length);
  });

  it('company dialogue: focus-area ranking, 1–5 service scale, company size, three seed statements, inspel', () => {
    const template = byId.get('company-dialogue') as DialogueTemplate;
    expect(template.title.sv).toBe('Företagsdialog om kommunens fokusområden');
    expect(template.steps.map((step) => step.type)).toEqual(['info', 'ranking', 'scale', 'single', 'statements', 'inspel']);
    const [, ranking, scale, , statements] = template.steps;
    expect(ranking?.type === 'ranking' && ranking.source).toBe('focus-areas');
    expect(ranking?.type === 'ranking' && ranking.items).toEqual([]);
    expect(scale?.type === 'scale' && [scale.min, scale.max, scale.question.sv]).toEqual([
      1,
      5,
      'Hur nöjd är du med kommunens service till företag?',
    ]);
    expect(statements?.type === 'statements' && statements.seed.length).toBe(3);
  });

  it('the other three have the steps their purpose needs', () => {
    const types = (id: string) => (byId.get(id) as DialogueTemplate).steps.map((step) => step.type);
    expect(types('focus-group-bygglov')).toEqual(expect.arrayContaining(['scale', 'multiple', 'open', 'statements']));
    expect(types('dialogue-cafe-attractiveness')).toEqual(['open', 'open', 'open', 'multiple', 'inspel']);
    expect(types('action-plan-follow-up').filter((type) => type === 'scale').length).toBeGreaterThanOrEqual(3);
    expect(types('action-plan-follow-up')).toEqual(expect.arrayContaining(['single', 'open']));
  });
});

describe('template schema', () => {
  it('fills in defaults: open steps are optional, ranking items empty', () => {
    const template = dialogueTemplate.parse({
      ...minimal,
      steps: [
        { type: 'open', id: 'o', question: q },
        { type: 'ranking', id: 'r', question: q, source: 'focus-areas' },
      ],
    });
    expect(template.steps[0]).toMatchObject({ type: 'open', optional: true });
    expect(template.steps[1]).toMatchObject({ type: 'ranking', items: [] });
    expect(seedStatementId(0)).toBe('seed-1');
  });

  it('rejects duplicate step ids and names the path of the second one', () => {
    const parsed = dialogueTemplate.safeParse({
      ...minimal,
      steps: [
        { type: 'open', id: 'same', question: q },
        { type: 'inspel', id: 'other', question: q },
        { type: 'inspel', id: 'same', question: q },
      ],
    });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toEqual(['steps', 2, 'id']);
    expect(issue?.message).toContain('duplicate step id "same"');
  });

  it('checks scales: integer ends, max above min, at most 10 steps', () => {
    const scale = (min: number, max: number) =>
      dialogueTemplate.safeParse({
        ...minimal,
        steps: [{ type: 'scale', id: 's', question: q, min, max, minLabel: q, maxLabel: q }],
      }).success;
    expect(scale(1, 5)).toBe(true);
    expect(scale(0, 10)).toBe(true);
    expect(scale(0, 11)).toBe(false);
    expect(scale(3, 3)).toBe(false);
    expect(scale(5, 1)).toBe(false);
    expect(scale(1.5, 5)).toBe(false);
  });

  it('checks choices, rankings and statements', () => {
    const one = (step: Record<string, unknown>) => dialogueTemplate.safeParse({ ...minimal, steps: [step] }).success;
    const option = (id: string) => ({ id, label: { sv: id, en: id } });
    expect(one({ type: 'single', id: 's', question: q, options: [option('a')] })).toBe(false);
    expect(one({ type: 'single', id: 's', question: q, options: [option('a'), option('a')] })).toBe(false);
    expect(one({ type: 'multiple', id: 'm', question: q, options: [option('a'), option('b')], max: 3 })).toBe(false);
    expect(one({ type: 'multiple', id: 'm', question: q, options: [option('a'), option('b')], max: 2 })).toBe(true);
    expect(one({ type: 'ranking', id: 'r', question: q, items: [option('a')] })).toBe(false);
    expect(one({ type: 'ranking', id: 'r', question: q, items: [] })).toBe(false);
    expect(one({ type: 'ranking', id: 'r', question: q, items: [option('a'), option('mora.b')] })).toBe(true);
    expect(one({ type: 'statements', id: 'st', question: q, seed: [], allowNew: false })).toBe(false);
    expect(one({ type: 'statements', id: 'st', question: q, seed: [q], allowNew: false })).toBe(true);
    expect(one({ type: 'poll', id: 'p', question: q })).toBe(false);
    expect(one({ type: 'inspel', id: 'Capital', question: q })).toBe(false);
    expect(one({ type: 'inspel', id: 'i', question: q, extra: true })).toBe(false);
    expect(dialogueTemplate.safeParse({ ...minimal, id: 'Not_ok', steps: [{ type: 'inspel', id: 'i', question: q }] }).success).toBe(false);
  });
});

describe('loadTemplates errors name the file and the field', () => {
  it('a broken scale', () => {
    const broken = rawTemplate('company-dialogue.json');
    const scale = broken.steps[2] as Record<string, unknown>;
    expect(scale.type).toBe('scale');
    scale.min = 'one';
    const dir = tempDir({ 'company-dialogue.json': broken, 'notes.txt': 'not a template' });
    const error = loadError(dir);
    expect(error.message).toMatch(/^company-dialogue\.json steps\[2\]\.min: /);
    expect(error.message).toContain('service-satisfaction');
    expect(error.problems).toEqual([expect.objectContaining({ file: 'company-dialogue.json', field: 'steps[2].min' })]);
  });

  it('a missing translation, max not above min, duplicate step ids – every problem of every file', () => {
    const first = rawTemplate('focus-group-bygglov.json');
    delete (first.title as Record<string, unknown>).en;
    const second = rawTemplate('action-plan-follow-up.json');
    (second.steps[1] as Record<string, unknown>).max = 1;
    (second.steps[3] as Record<string, unknown>).id = 'service-attitude';
    const error = loadError(tempDir({ 'a.json': first, 'b.json': second }));
    expect(error.message).toContain('a.json title.en:');
    expect(error.message).toContain('b.json steps[1].max: max (1) must be greater than min (1)');
    expect(error.message).toContain('b.json steps[3].id: duplicate step id "service-attitude"');
    expect(error.problems.length).toBe(3);
  });

  it('invalid JSON and a template id used twice', () => {
    expect(loadError(tempDir({ 'bad.json': '{ "id": ' })).message).toMatch(/^bad\.json: not valid JSON/);
    const template = rawTemplate('company-dialogue.json');
    const twice = loadError(tempDir({ 'one.json': template, 'two.json': template }));
    expect(twice.message).toContain('two.json id: template id "company-dialogue" is also used by one.json');
  });

  it('a missing directory', () => {
    expect(() => loadTemplates(join(tmpdir(), 'fl-no-such-dialogues-dir'))).toThrow(/missing/);
  });
});
