import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A Jetstream on 127.0.0.1: accepts websockets on `/subscribe`, records the
 * URL each client opened (its `cursor`), and sends the events a test gives
 * it. `refuseNext` answers the next upgrade with an HTTP status instead.
 */
export class FakeJetstream {
  readonly connections: URL[] = [];
  private readonly sockets = new Set<WebSocket>();
  private refusals: Array<{ status: number; headers: Record<string, string> }> = [];

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeJetstream> {
    let fake: FakeJetstream | undefined;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      path: '/subscribe',
      verifyClient: (_info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string, headers?: Record<string, string>) => void) => {
        const refusal = fake?.refusals.shift();
        if (refusal) done(false, refusal.status, 'refused', refusal.headers);
        else done(true);
      },
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeJetstream(server, `ws://127.0.0.1:${port}`);
    server.on('connection', (socket, request) => {
      fake.connections.push(new URL(request.url ?? '/', fake.url));
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    return fake;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Sends each event (an object as JSON, a string as is) to every open connection. */
  send(...events: unknown[]): void {
    for (const socket of this.sockets) for (const event of events) socket.send(typeof event === 'string' ? event : JSON.stringify(event));
  }

  refuseNext(status: number, headers: Record<string, string> = {}): void {
    this.refusals.push({ status, headers });
  }

  /** Drops every connection, as a restarting Jetstream would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A Jetstream commit event creating a post. */
export function jetstreamPost(did: string, rkey: string, timeUs: number, text: string, extra: Record<string, unknown> = {}) {
  return {
    did,
    time_us: timeUs,
    kind: 'commit',
    commit: {
      rev: '3l5xyzrev',
      operation: 'create',
      collection: 'app.bsky.feed.post',
      rkey,
      cid: 'bafyreiexample',
      record: { $type: 'app.bsky.feed.post', text, createdAt: new Date(Math.floor(timeUs / 1000) - 500).toISOString(), langs: ['en'], facets: [], ...extra },
    },
  };
}
