import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadDataSet } from '../../src/domain/packs/loader';
import { dataCopies, problemsOf } from '../helpers/dataCopy';

const DATA = join(__dirname, '..', '..', 'data');
const copyOfData = dataCopies();

function editJson(file: string, edit: (value: unknown) => unknown): void {
  writeFileSync(file, JSON.stringify(edit(JSON.parse(readFileSync(file, 'utf8'))), null, 2));
}

describe('data packs', () => {
  it('loads all four packs with every taxonomy topic covered', () => {
    const data = loadDataSet(DATA);
    expect([...data.packs.keys()].sort()).toEqual(['borlange', 'hallstahammar', 'hedemora', 'mora']);
    const topics = Object.keys(data.taxonomy.topics);
    expect(data.shared.processes.map((p) => p.topic).sort()).toEqual([...topics].sort());
    for (const pack of data.packs.values()) {
      for (const topic of topics) expect(pack.processes[topic], `${pack.id} ${topic}`).toBeDefined();
    }
    expect(data.shared.scenarios.length).toBeGreaterThanOrEqual(6);
  });

  it('names the file and the field of a wrong value', () => {
    const dir = copyOfData();
    editJson(join(dir, 'packs', 'mora', 'contacts.json'), (list) => {
      const contacts = list as Array<Record<string, unknown>>;
      contacts[1] = { ...contacts[1], phone: 'ring oss' };
      return contacts;
    });
    const problems = problemsOf(dir);
    expect(problems).toContainEqual(
      expect.objectContaining({ file: join('packs', 'mora', 'contacts.json'), field: '[1].phone' }),
    );
  });

  it('reports broken JSON, a missing file and a dangling contact reference together', () => {
    const dir = copyOfData();
    writeFileSync(join(dir, 'packs', 'borlange', 'focus-areas.json'), '[{"id": ');
    rmSync(join(dir, 'packs', 'hedemora', 'municipality.json'));
    editJson(join(dir, 'packs', 'mora', 'processes.json'), (value) => {
      const overlays = value as Record<string, Record<string, unknown>>;
      overlays.food = { ...overlays.food, contact: 'no-such-unit' };
      return overlays;
    });
    const problems = problemsOf(dir);
    expect(problems).toContainEqual(expect.objectContaining({ file: join('packs', 'borlange', 'focus-areas.json'), message: expect.stringContaining('not valid JSON') }));
    expect(problems).toContainEqual(expect.objectContaining({ file: join('packs', 'hedemora', 'municipality.json'), message: 'file is missing' }));
    expect(problems).toContainEqual(expect.objectContaining({ file: join('packs', 'mora', 'processes.json'), field: 'food.contact' }));
  });

  it('rejects a focus area id that is not in the taxonomy and a text missing in English', () => {
    const dir = copyOfData();
    editJson(join(dir, 'packs', 'mora', 'focus-areas.json'), (value) => {
      const areas = value as Array<Record<string, unknown>>;
      areas[0] = { ...areas[0], id: 'mora.invented' };
      return areas;
    });
    editJson(join(dir, 'texts', 'sv', 'core.json'), (value) => ({ ...(value as object), 'core.onlySwedish': 'Bara svenska' }));
    const problems = problemsOf(dir);
    expect(problems).toContainEqual(expect.objectContaining({ field: '[0].id', message: expect.stringContaining('not a focus area of mora') }));
    expect(problems).toContainEqual(expect.objectContaining({ field: 'core.onlySwedish', message: expect.stringContaining('not in English') }));
  });

  it('validate:data prints what each pack is missing, and fails on a broken pack', () => {
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/validateData.ts'], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    expect(ok.status, ok.stderr).toBe(0);
    for (const name of ['Mora', 'Borlänge', 'Hedemora', 'Hallstahammar']) expect(ok.stdout).toContain(name);
    expect(ok.stdout).toMatch(/to verify/);

    const dir = copyOfData();
    editJson(join(dir, 'packs', 'mora', 'municipality.json'), (value) => ({ ...(value as object), switchboard: 'x' }));
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/validateData.ts', '--data', dir], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join('packs', 'mora', 'municipality.json')} switchboard`);
  });
});
