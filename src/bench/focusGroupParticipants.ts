/**
 * The participants of the focus-group benchmark (focusGroup.ts), run in a process of their own as
 * real participants' browsers are: the bot's process then serves only the bot, and its CPU time is
 * the bot's. Started with `fork`; it takes one FocusGroupLoad message, runs it and answers with
 * one FocusGroupOutcome.
 */
import { postJson, sleep, turnBody, type TurnOutcome } from './load';

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
 * Every participant in a conversation of its own: join ("delta CODE"), then answer what the bot
 * asked until the thanks; at a pace the joins are spread over one interval and each answer comes
 * one interval after the last reply.
 */
export async function runParticipants(load: FocusGroupLoad, onJoined: (turns: number) => void = () => undefined): Promise<FocusGroupOutcome> {
  const joins: number[] = [];
  const turns: number[] = [];
  let failed = 0;
  let finished = 0;
  let joined = 0;
  let joinedMs = 0;
  const t0 = performance.now();
  const deadline = t0 + load.maxMs;
  const send = async (conversation: string, n: number, text: string): Promise<TurnOutcome> => {
    const outcome = await postJson(`${load.url}/api/messages`, turnBody(conversation, n, text));
    turns.push(outcome.ms);
    return outcome;
  };
  await Promise.all(
    Array.from({ length: load.participants }, async (_, i) => {
      if (load.paceMs > 0) await sleep((load.paceMs * i) / load.participants);
      const conversation = `fg-${load.code}-${i}`;
      const first = await send(conversation, 0, `delta ${load.code}`);
      joins.push(first.ms);
      joined += 1;
      if (joined === load.participants) {
        joinedMs = performance.now() - t0;
        onJoined(turns.length);
      }
      let last = first;
      for (let n = 1; n < MAX_TURNS; n += 1) {
        const next = last.ok ? answerTo(last.texts, i, n) : 'failed';
        if (next === 'done') {
          finished += 1;
          return;
        }
        if (next === 'failed' || performance.now() > deadline) break;
        if (load.paceMs > 0) await sleep(load.paceMs);
        last = await send(conversation, n, next.text);
      }
      failed += 1;
    }),
  );
  return { type: 'outcome', joins, turns, failed, finished, joinedMs, wallMs: performance.now() - t0 };
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
