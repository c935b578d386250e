import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';

export interface LocalCosmos {
  endpoint: string;
  stop(): Promise<void>;
  /** Stops listening and drops every connection (an outage); the data stays for resume(). */
  pause(): Promise<void>;
  /** Listens again on the same port, with the data it had. */
  resume(): Promise<void>;
  /** Goes down (pause) at the first request that matches, which gets its connection dropped. */
  pauseOnRequest(match: (req: IncomingMessage) => boolean): Promise<void>;
  /** From the first request that matches on, answers nothing (a store that hangs) until release(). */
  hangOnRequest(match: (req: IncomingMessage) => boolean): { hung: Promise<void>; release(): void };
}

/**
 * A local Cosmos DB (SQL API) server for the tests: @vercel/cosmosdb-server over plain HTTP on a
 * free port. The real @azure/cosmos client talks to it.
 */
export async function startCosmosServer(): Promise<LocalCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // The server creates its (in-memory) account on every 'listening': keep the first one, so a
  // paused server comes back with its data.
  server.removeAllListeners('listening');
  const { port } = server.address() as AddressInfo;

  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  let trip: { match: (req: IncomingMessage) => boolean; tripped: () => void } | undefined;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let hang: { match: (req: IncomingMessage) => boolean; active: boolean; held: Array<() => void>; hung: () => void } | undefined;
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of handlers) handler.call(server, req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (hang && (hang.active || hang.match(req))) {
      if (!hang.active) hang.hung();
      hang.active = true;
      hang.held.push(() => serve(req, res));
      return;
    }
    if (trip?.match(req)) {
      const { tripped } = trip;
      trip = undefined;
      req.socket.destroy();
      void close().then(tripped);
      return;
    }
    serve(req, res);
  });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => (server.listening ? close() : Promise.resolve()),
    pause: close,
    resume: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    pauseOnRequest: (match) => new Promise<void>((resolve) => (trip = { match, tripped: resolve })),
    hangOnRequest: (match) => {
      let hung: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (hung = resolve));
      const state = { match, active: false, held: [] as Array<() => void>, hung: () => hung() };
      hang = state;
      return {
        hung: started,
        release: () => {
          hang = undefined;
          state.held.splice(0).forEach((run) => run());
        },
      };
    },
  };
}
