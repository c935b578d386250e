/**
 * The data-scale curve: the same app with 1k/10k/100k seeded suggestions — the first turn of a new
 * suggestion (similar search) with a light load of other users alongside (do they stall?), the
 * staff follow-up API, one inbox page, and the CSV export.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { BenchApp } from './app';
import { startBenchApp } from './app';
import { getTimed, percentile, postJson, round1, runLoad, turnBody } from './load';
import type { Row } from './table';
import type { NewFeedbackItem } from '../domain/feedback/types';
import { createStaffToken } from '../domain/staff/tokens';
import type { Store } from '../store/types';

const MUNICIPALITY = 'mora';

/** A deterministic pseudo-random generator (the same seed gives the same data). */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

/** Seeds `count` suggestions built from the pack's focus-area examples, a quarter of them handled. */
export async function seedItems(bench: BenchApp, count: number, maxMs: number): Promise<number> {
  const pack = bench.app.data.packs.get(MUNICIPALITY);
  if (!pack) throw new Error(`no pack ${MUNICIPALITY}`);
  const examples = pack.focusAreas.flatMap((area) => area.examples.sv.map((text) => ({ text, focusArea: area.id })));
  const words = examples.flatMap((e) => e.text.split(/\s+/)).filter((w) => w.length > 3);
  const random = generator(7);
  const store: Store = bench.app.store;
  const deadline = performance.now() + maxMs;
  const base = Date.parse('2026-01-01T08:00:00Z');
  let seeded = 0;
  // Batches of 1,000 through the store's own API, each committed once (store.backend.bulk).
  const seedOne = async (i: number): Promise<void> => {
    const example = examples[Math.floor(random() * examples.length)] ?? { text: 'fler parkeringar', focusArea: pack.focusAreas[0]?.id ?? '' };
    const extra = Array.from({ length: 3 }, () => words[Math.floor(random() * words.length)] ?? '').join(' ');
    const createdAt = new Date(base + i * 60_000).toISOString();
    const item: NewFeedbackItem = {
      municipality: MUNICIPALITY,
      referencePrefix: pack.municipality.referencePrefix,
      kind: 'suggestion',
      text: `${example.text} ${extra} (${i})`,
      masked: [],
      language: 'sv',
      focusArea: example.focusArea,
      focusConfidence: 0.8,
      hasContact: false,
      submitter: { userKey: `bench:seed-${i % 500}`, language: 'sv' },
      sourceKey: `bench-seed-${i}`,
      createdAt,
    };
    const { item: stored } = await store.feedback.create(item);
    const r = random();
    if (r < 0.25) await store.feedback.update({ ...stored, status: 'closed', closedAt: createdAt, updatedAt: createdAt });
    else if (r < 0.4) await store.feedback.update({ ...stored, status: 'in-progress', firstResponseAt: createdAt, updatedAt: createdAt });
    seeded += 1;
  };
  while (seeded < count && performance.now() < deadline) {
    const from = seeded;
    await store.backend.bulk(async () => {
      for (let i = from; i < Math.min(count, from + 1000); i += 1) await seedOne(i);
    });
  }
  return seeded;
}

/**
 * The local Cosmos DB emulator (@vercel/cosmosdb-server, in memory, the tests' server) in a
 * process of its own, so that its work is not counted on the app's event loop. Not Azure Cosmos
 * DB: it evaluates a query by reading every document of the container and has no index.
 */
async function startLocalCosmos(): Promise<{ endpoint: string; stop(): void }> {
  const script = `const { createHttpServer } = require('@vercel/cosmosdb-server');
const server = createHttpServer();
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the local Cosmos server ended (${String(code)})`)));
    child.stdout?.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/**
 * Where the SQLite file's bytes go, per item (SQLite's dbstat: the pages of each table and index):
 * the documents, their term rows, the aggregate facts with their indexes, the documents' indexes.
 */
export function whereTheBytesGo(file: string, items: number): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>;
    const part = (name: string): string =>
      name === 'documents' ? 'documents' : name === 'document_terms' ? 'term rows' : name.includes('document_facts') ? 'facts and their indexes' : /^(documents_|feedback_|sqlite_autoindex_documents)/.test(name) ? 'document indexes' : 'other';
    const parts: Record<string, number> = {};
    for (const row of rows) parts[part(row.name)] = (parts[part(row.name)] ?? 0) + row.bytes;
    return Object.fromEntries(Object.entries(parts).map(([name, bytes]) => [name, Math.round(bytes / Math.max(1, items))]));
  } finally {
    db.close();
  }
}

export interface ScaleOptions {
  /** sqlite (default) or cosmos: the local emulator, not Azure (startLocalCosmos). */
  store?: 'sqlite' | 'cosmos';
  sizes: number[];
  seedMaxMs: number;
  /** Similar-search first turns per size. */
  firstTurns: number;
  /** How long the follow-up API may take before the bench gives up on it. */
  followUpMaxMs: number;
}

export async function benchScale(options: ScaleOptions): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
  const rows: Row[] = [];
  const json: Record<string, unknown> = {};
  const firstTurn: string[] = [];
  const stall: string[] = [];
  const followUp: string[] = [];
  const inbox: string[] = [];
  const csv: string[] = [];
  const dbSize: string[] = [];
  const seeding: string[] = [];
  const cosmos = options.store === 'cosmos' ? await startLocalCosmos() : undefined;
  try {
    for (const size of options.sizes) {
      const bench = await startBenchApp(
        cosmos ? { STORE: 'cosmos', COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: 'local', COSMOS_DATABASE: `bench${size}`, STORE_TIMEOUT_MS: '60000' } : {},
      );
      try {
        // The start's background work (reading the cached models, reindexing older items) is done
        // first, as in a server that has been running: otherwise the seeding, which never lets the
        // event loop turn, holds it back, and it lands on the first measured turns.
        await bench.app.retrained();
        const seedStarted = performance.now();
        const seeded = await seedItems(bench, size, options.seedMaxMs);
        const seedMs = performance.now() - seedStarted;
        json[`seed_ms_${size}`] = Math.round(seedMs);
        const label = seeded === size ? `${size / 1000}k` : `${size / 1000}k (seeded ${seeded})`;
        seeding.push(`${label}: ${(seedMs / 1000).toFixed(1)} s`);
        const { token, hash } = createStaffToken();
        await bench.app.store.staff.put({ id: 'bench-staff', name: 'Bench', role: 'admin', municipalities: [MUNICIPALITY], teams: [], tokenHash: hash, createdAt: new Date().toISOString() });
        const auth = { authorization: `Bearer ${token}` };

        // Other users keep asking the guide while new suggestions are searched for similar ones.
        // They are under way (two turns each: a new conversation's first turn is its own cost)
        // before the first suggestion is sent; what counts is each of their turns that ends after.
        let stop = false;
        let measuring = false;
        const during: number[] = [];
        const started = new Map<number, number>();
        let underWay: () => void = () => undefined;
        const ready = new Promise<void>((resolve) => {
          underWay = resolve;
        });
        const background = runLoad({ conversations: 4, turns: 1_000, maxMs: 120_000 }, async (c, t) => {
          if (stop) return { ms: 0, ok: true, texts: [] };
          const outcome = await postJson(`${bench.url}/api/messages`, turnBody(`bg-${size}-${c}`, t, 'hur söker jag bygglov?'));
          if (measuring) during.push(outcome.ms);
          started.set(c, t + 1);
          if (started.size === 4 && [...started.values()].every((n) => n >= 2)) underWay();
          return outcome;
        });
        await ready;
        measuring = true;
        // The first suggestion a freshly started app sees also pays for its warm-up (compiling the
        // dialog and search code paths): reported on its own, not in the median.
        const cold = await postJson(
          `${bench.url}/api/messages`,
          turnBody(`similar-${size}-cold`, 0, 'Jag har ett förslag: kommunen borde ordna fler nätverksträffar och företagarluncher för oss småföretagare'),
        );
        json[`similar_cold_first_turn_ms_${size}`] = round1(cold.ms);
        const firsts: number[] = [];
        for (let i = 0; i < options.firstTurns; i += 1) {
          const outcome = await postJson(
            `${bench.url}/api/messages`,
            turnBody(`similar-${size}-${i}`, 0, `Jag har ett förslag: kommunen borde ordna fler nätverksträffar och företagarluncher för oss småföretagare ${i}`),
          );
          firsts.push(outcome.ms);
        }
        stop = true;
        await background;
        const bgBusy = during;
        firstTurn.push(`${label}: ${Math.round(percentile(firsts, 50))} (cold ${Math.round(cold.ms)})`);
        stall.push(`${label}: ${Math.round(Math.max(0, ...bgBusy))}`);
        json[`similar_first_turn_ms_${size}`] = round1(percentile(firsts, 50));
        json[`other_users_max_ms_${size}`] = round1(Math.max(0, ...bgBusy));


        const page = await getTimed(`${bench.url}/api/staff/items?municipality=${MUNICIPALITY}&status=new&limit=50`, auth);
        inbox.push(`${label}: ${Math.round(page.ms)} ms, ${(page.bytes / 1024).toFixed(0)} KB${page.status === 200 ? '' : ` (HTTP ${page.status})`}`);
        json[`inbox_new_ms_${size}`] = round1(page.ms);
        json[`inbox_new_bytes_${size}`] = page.bytes;

        // The SQLite file (and its write-ahead log) per item, against the JSON of one item.
        const files = [bench.sqlitePath, `${bench.sqlitePath}-wal`].filter((file) => existsSync(file));
        const fileBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
        const sample = await bench.app.store.feedback.inbox(MUNICIPALITY, {}, { limit: 50 });
        const docBytes = sample.items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0) / Math.max(1, sample.items.length);
        if (cosmos) dbSize.push(`${label}: not measured (the emulator keeps its data in memory)`);
        else {
          const parts = whereTheBytesGo(bench.sqlitePath, seeded);
          const shown = Object.entries(parts).map(([part, bytes]) => `${part} ${bytes} B`).join(', ');
          dbSize.push(`${label}: ${(fileBytes / seeded / 1024).toFixed(1)} KB per ${(docBytes / 1024).toFixed(1)} KB item (${shown})`);
          json[`db_bytes_per_item_${size}`] = Math.round(fileBytes / seeded);
          json[`db_parts_bytes_per_item_${size}`] = parts;
        }
        json[`item_json_bytes_${size}`] = Math.round(docBytes);

        const rssBefore = process.memoryUsage().rss;
        const exported = await getTimed(`${bench.url}/api/staff/items?municipality=${MUNICIPALITY}&format=csv`, auth);
        const rssGrowth = Math.max(0, process.memoryUsage().rss - rssBefore);
        csv.push(`${label}: ${Math.round(exported.ms)} ms, ${(exported.bytes / 1e6).toFixed(1)} MB, +${(rssGrowth / 1e6).toFixed(0)} MB RSS`);
        json[`csv_ms_${size}`] = round1(exported.ms);
        // Last: a follow-up that runs past its time limit must not slow the other measurements.
        const f = await getTimed(`${bench.url}/api/staff/followup?municipality=${MUNICIPALITY}`, auth, options.followUpMaxMs);
        followUp.push(`${label}: ${f.status === 0 ? `> ${Math.round(options.followUpMaxMs / 1000)} s (gave up)` : Math.round(f.ms)}${f.status === 200 || f.status === 0 ? '' : ` (HTTP ${f.status})`}`);
        json[`followup_ms_${size}`] = f.status === 0 ? null : round1(f.ms);
      } finally {
        await bench.stop();
      }
    }
  } finally {
    cosmos?.stop();
  }
  if (cosmos) json.store = 'cosmos (local emulator @vercel/cosmosdb-server, not Azure)';
  const on = cosmos ? ' [Cosmos: local emulator, not Azure]' : '';
  rows.push({ what: `first turn of a new suggestion (similar search), ms${on}`, now: firstTurn.join(', '), goal: '< 50 ms at 100k' });
  rows.push({ what: `other users during it, max turn ms${on}`, now: stall.join(', '), goal: 'no stall' });
  rows.push({ what: `staff follow-up API, ms${on}`, now: followUp.join(', '), goal: '< 300 ms at 100k' });
  rows.push({ what: `inbox status=new (page of 50)${on}`, now: inbox.join('; '), goal: '< 100 ms, paged' });
  rows.push({ what: `CSV export${on}`, now: csv.join('; '), goal: 'streamed' });
  rows.push({ what: `DB size (SQLite file and WAL per item)${on}`, now: dbSize.join('; '), goal: 'close to the data' });
  rows.push({ what: `seeding (batches of 1,000 through the store)${on}`, now: seeding.join(', '), goal: '100k within --seed-max-s' });
  return { rows, json };
}
