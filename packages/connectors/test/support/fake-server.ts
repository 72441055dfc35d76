import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Compress the body as gzip (Stack Exchange always does). */
  gzip?: boolean;
  /** Send only the first half of the body, then cut the connection: a truncated response. */
  truncate?: boolean;
}

export type FakeHandler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * An HTTP server on 127.0.0.1 standing in for a platform. Routes are
 * `METHOD /path`; each either computes its answer or plays a script of
 * answers in order (then repeats its `then` answer). Every request is
 * recorded for assertions.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, FakeHandler>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeServer> {
    let fake: FakeServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void fake?.handle({ req: { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, body: Buffer.concat(chunks).toString('utf8') }, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeServer(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** Answers `METHOD /path` with a handler. */
  on(route: string, handler: FakeHandler): this {
    this.routes.set(route, handler);
    return this;
  }

  /** Answers `METHOD /path` with each response in turn, then with `then` for ever. */
  script(route: string, responses: readonly FakeResponse[], then: FakeResponse = { status: 404, body: { error: 'script exhausted' } }): this {
    const queue = [...responses];
    return this.on(route, () => queue.shift() ?? then);
  }

  requestsTo(route: string): RecordedRequest[] {
    const [method, path] = route.split(' ');
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(incoming: { req: { method: string; url: string; headers: IncomingHttpHeaders }; body: string }, res: ServerResponse): Promise<void> {
    const url = new URL(incoming.req.url, this.url);
    const request: RecordedRequest = { method: incoming.req.method, path: url.pathname, url, headers: incoming.req.headers, body: incoming.body };
    this.requests.push(request);
    const handler = this.routes.get(`${request.method} ${request.path}`);
    const response = handler ? await handler(request) : { status: 404, body: { error: `no route for ${request.method} ${request.path}` } };
    send(res, response);
  }
}

function send(res: ServerResponse, response: FakeResponse): void {
  const isText = typeof response.body === 'string';
  let body: Buffer = Buffer.from(response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body), 'utf8');
  const headers: Record<string, string> = { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...response.headers };
  if (response.gzip) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(response.status ?? 200, headers);
  if (response.truncate) {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    res.socket?.destroy();
    return;
  }
  res.end(body);
}
