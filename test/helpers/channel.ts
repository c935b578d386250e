import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChannelPost {
  method: string;
  /** The conversation id in the connector path (/v3/conversations/{id}/activities…). */
  conversation: string;
  activity: Record<string, unknown>;
}

/**
 * A local stand-in for a Bot Framework channel's connector (what an activity's serviceUrl points
 * to): records every activity the bot sends there, so proactive posts are observable and no test
 * reaches out to a real connector.
 */
export async function startRecordingChannel(): Promise<{
  url: string;
  posts: ChannelPost[];
  waitFor(match: (post: ChannelPost) => boolean, timeoutMs?: number): Promise<ChannelPost>;
  stop(): Promise<void>;
}> {
  const posts: ChannelPost[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const conversation = decodeURIComponent(/\/v3\/conversations\/([^/]+)/.exec(req.url ?? '')?.[1] ?? '');
      posts.push({ method: req.method ?? '', conversation, activity: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${posts.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    posts,
    async waitFor(match, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = posts.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching post to the channel; got ${JSON.stringify(posts.map((p) => `${p.method} ${p.conversation}`))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
