/**
 * The participants of the focus-group benchmark (focusGroup.ts), run in a process of their own as
 * real participants' browsers are: the bot's process then serves only the bot, and its CPU time is
 * the bot's. Started with `fork`; it takes one FocusGroupLoad message, runs it and answers with
 * one FocusGroupOutcome.
 */
import { Agent, request } from 'node:http';
import { sleep, turnBody, type TurnOutcome } from './load';

export interface FocusGroupLoad {
  url: string;
  code: string;
  participants: number;
  /** Think time between one participant's turns, and the window the joins are spread over (0 = back to back). */
  paceMs: number;
  maxMs: number;
}

export interface FocusGroupOutcome {
  type: 'outcome';
  joins: number[];
  turns: number[];
  failed: number;
  /** Why participants failed, with how many each. */
  failures: Record<string, number>;
  finished: number;
  /** When the last join was answered, from the start (ms). */
  joinedMs: number;
  wallMs: number;
}

/** Most turns one participant takes (join, consent, three answers, up to 9 votes, own statement). */
const MAX_TURNS = 20;

type Next = { text: string } | 'done' | 'failed';

/** The answer to the bot's last reply, from what it asked. */
export function answerTo(replies: string[], participant: number, sent: number): Next {
  const all = replies.join('\n');
  if (/Tack för dina svar/.test(all)) return 'done';
  if (/Vill du delta|Ja, jag vill delta/.test(all) && sent === 1) return { text: 'Ja, jag vill delta' };
  if (/eget påstående/.test(all)) return { text: participant % 10 === 0 ? `Handläggarna borde ringa upp inom en vecka (${participant})` : 'Hoppa över' };
  if (/Påstående \d+ av \d+/.test(all)) return { text: participant % 3 === 0 ? 'Håller inte med' : participant % 3 === 1 ? 'Håller med' : 'Pass' };
  if (/Fråga 1 av/.test(all)) return { text: String(1 + (participant % 5)) };
  if (/Fråga 2 av/.test(all)) return { text: `${1 + (participant % 3)}, ${4 + (participant % 2)}` };
  if (/Fråga 3 av/.test(all)) return { text: `Snabbare besked och en kontaktperson genom hela ärendet (${participant})` };
  return 'failed';
}

/**
 * One POST on a participant's own connection (a browser keeps its own). A connection shared by
 * all participants would be handed from one to the next, and one that sat idle while the bot was
 * busy could be closed by the server just as another participant's message went out on it.
 */
function post(agent: Agent, url: string, body: unknown): Promise<TurnOutcome> {
  const t0 = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const failed = (failure: string) => resolve({ ms: performance.now() - t0, ok: false, texts: [], failure });
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => failed(`${error.name}: ${error.message}`));
      res.on('end', () => {
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) {
          resolve({ ms, ok: false, texts: [], failure: `HTTP ${String(res.statusCode)}` });
          return;
        }
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { activities?: Array<{ text?: string; attachments?: unknown }> };
          resolve({ ms, ok: true, texts: (parsed.activities ?? []).map((a) => `${a.text ?? ''} ${a.attachments ? JSON.stringify(a.attachments) : ''}`) });
        } catch {
          resolve({ ms, ok: false, texts: [], failure: 'not JSON' });
        }
      });
    });
    req.on('error', (error) => failed(`${error.name}: ${error.message}`));
    req.end(payload);
  });
}

/**
 * Every participant in a conversation of its own: join ("delta CODE"), then answer what the bot
 * asked until the thanks; at a pace the joins are spread over one interval and each answer comes
 * one interval after the last reply.
 */
export async function runParticipants(load: FocusGroupLoad, onJoined: (turns: number) => void = () => undefined): Promise<FocusGroupOutcome> {
  const joins: number[] = [];
  const turns: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string) => {
    failed += 1;
    failures[why] = (failures[why] ?? 0) + 1;
  };
  let finished = 0;
  let joined = 0;
  let joinedMs = 0;
  const t0 = performance.now();
  const deadline = t0 + load.maxMs;
  const send = async (agent: Agent, conversation: string, n: number, text: string): Promise<TurnOutcome> => {
    const outcome = await post(agent, `${load.url}/api/messages`, turnBody(conversation, n, text));
    turns.push(outcome.ms);
    return outcome;
  };
  /** One participant's whole dialogue, on its own connection: 'done', or why it failed. */
  const participate = async (i: number, agent: Agent): Promise<string> => {
    const conversation = `fg-${load.code}-${i}`;
    let last = await send(agent, conversation, 0, `delta ${load.code}`);
    joins.push(last.ms);
    joined += 1;
    if (joined === load.participants) {
      joinedMs = performance.now() - t0;
      onJoined(turns.length);
    }
    for (let n = 1; n < MAX_TURNS; n += 1) {
      if (!last.ok) return last.failure ?? 'failed';
      const next = answerTo(last.texts, i, n);
      if (next === 'done') return 'done';
      if (next === 'failed') return `unexpected reply to turn ${n - 1}`;
      if (performance.now() > deadline) return 'not finished in time';
      if (load.paceMs > 0) await sleep(load.paceMs);
      last = await send(agent, conversation, n, next.text);
    }
    return 'too many turns';
  };
  await Promise.all(
    Array.from({ length: load.participants }, async (_, i) => {
      if (load.paceMs > 0) await sleep((load.paceMs * i) / load.participants);
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const outcome = await participate(i, agent);
      agent.destroy();
      if (outcome === 'done') finished += 1;
      else fail(outcome);
    }),
  );
  return { type: 'outcome', joins, turns, failed, failures, finished, joinedMs, wallMs: performance.now() - t0 };
}

/** Sent when every participant's join was answered (the benchmark reads its CPU time then). */
export interface FocusGroupJoined {
  type: 'joined';
  /** Turns answered by then, the joins included. */
  turns: number;
}

// Forked by the benchmark: one load in, a 'joined' and one outcome out.
if (require.main === module && process.send) {
  process.once('message', (load: FocusGroupLoad) => {
    void runParticipants(load, (turns) => process.send?.({ type: 'joined', turns } satisfies FocusGroupJoined)).then((outcome) => {
      process.send?.(outcome, () => process.exit(0));
    });
  });
}
