/**
 * Bounded HTTP load over loopback: conversations send turns one after another (optionally with a
 * think time), every loop stopped by a turn count and a time limit.
 */
import restify from 'restify';

export interface LoadResult {
  turns: number;
  failures: number;
  wallMs: number;
  latencies: number[];
}

export interface LoadOptions {
  conversations: number;
  /** Turns per conversation (upper bound). */
  turns: number;
  /** Time limit for the whole run. */
  maxMs: number;
  /** Pause between a conversation's turns. */
  thinkMs?: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One Bot Framework message activity for /api/messages with expectReplies. */
export function turnBody(conversation: string, n: number, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `${conversation}-${n}`,
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    from: { id: `user-${conversation}`, name: 'Bench' },
    recipient: { id: 'bot' },
    conversation: { id: conversation },
    locale: 'sv-SE',
    text,
    ...extra,
  };
}

export interface TurnOutcome {
  ms: number;
  ok: boolean;
  /** Why it was not ok: the HTTP status, or the error of the request. */
  failure?: string;
  texts: string[];
}

/** Each reply's text and cards as one string, from an expectReplies body. */
function repliesOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { activities?: Array<{ text?: string; attachments?: unknown }> };
    return (parsed.activities ?? []).map((a) => `${a.text ?? ''} ${a.attachments ? JSON.stringify(a.attachments) : ''}`);
  } catch {
    return [];
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<TurnOutcome> {
  const t0 = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    const ms = performance.now() - t0;
    let texts: string[] | undefined;
    // Read only by a caller that looks at the replies (the focus group); a throughput loop pays
    // for receiving the body, as the bare route's client does, not for parsing the bot's cards.
    return {
      ms,
      ok: response.status === 200,
      get texts() {
        texts ??= repliesOf(text);
        return texts;
      },
      ...(response.status === 200 ? {} : { failure: `HTTP ${response.status}` }),
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return { ms: performance.now() - t0, ok: false, texts: [], failure: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) };
  }
}

/** A GET, timed; past `timeoutMs` it gives up with status 0 (the row says so). */
export async function getTimed(url: string, headers: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ ms: number; status: number; bytes: number; body: string }> {
  const t0 = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return { ms: performance.now() - t0, status: 0, bytes: 0, body: '' };
  }
  const body = await response.text();
  return { ms: performance.now() - t0, status: response.status, bytes: Buffer.byteLength(body), body };
}

/** Runs conversations against `send` (one turn each call) until the turn count or the time limit. */
export async function runLoad(options: LoadOptions, send: (conversation: number, turn: number) => Promise<TurnOutcome>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + options.maxMs;
  await Promise.all(
    Array.from({ length: options.conversations }, async (_, c) => {
      // Spread the first turns of a think-time load over one think interval.
      if (options.thinkMs) await sleep((options.thinkMs * c) / options.conversations);
      for (let t = 0; t < options.turns && performance.now() < deadline; t += 1) {
        const outcome = await send(c, t);
        latencies.push(outcome.ms);
        if (!outcome.ok) failures += 1;
        if (options.thinkMs && performance.now() + options.thinkMs < deadline) await sleep(options.thinkMs);
      }
    }),
  );
  return { turns: latencies.length, failures, wallMs: performance.now() - started, latencies };
}

/**
 * A bare restify 11 JSON route, the yardstick: body parser, one POST that answers with an
 * `{ activities: [...] }` body of the same shape as the bot's.
 */
export async function startBareRestify(): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer({ name: 'bare' });
  server.use(restify.plugins.bodyParser());
  server.post('/bare', async (req: restify.Request, res: restify.Response) => {
    const body = (req.body ?? {}) as { text?: string; conversation?: { id?: string } };
    res.json(200, { activities: [{ type: 'message', text: `ok ${(body.text ?? '').length}`, conversation: body.conversation }] });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/bare`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
