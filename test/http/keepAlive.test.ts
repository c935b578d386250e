import { Agent, get } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

/** A GET on the agent's connection: its status and the socket it went on. */
function getOn(agent: Agent, url: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket as Socket }));
    });
    req.on('error', reject);
  });
}

describe('keep-alive connections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("stay open past Node's 5 s default, so a message sent after a pause (or while the bot was busy) goes on the same connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await getOn(agent, `${t.url}/healthz`);
      let closed = false;
      first.socket.once('close', () => {
        closed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 6500));
      expect(closed).toBe(false);
      const second = await getOn(agent, `${t.url}/healthz`);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});
