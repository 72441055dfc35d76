import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for tests (the `smtp-server` package):
 * point SMTP_URL at `server.url`. It keeps every accepted message, decoded
 * enough to assert on (headers, subject, Message-ID, text and HTML bodies),
 * can go down and come back on the same port, and can reject recipients.
 */

export interface ReceivedMail {
  /** Envelope sender and recipients. */
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpTestServer {
  /** `smtp://127.0.0.1:<port>`: plain SMTP, no TLS, no auth. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Stops listening: connections are refused until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Reject RCPT TO for addresses matching the predicate, with this SMTP code (default 550). */
  rejectRecipients(predicate: ((address: string) => boolean) | null, code?: number): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  let reject: { predicate: (address: string) => boolean; code: number } | null = null;
  let server: SMTPServer | null = null;
  let port = 0;

  const listen = async () => {
    const instance = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      // Stopping must refuse connections at once, idle pooled ones included.
      closeTimeout: 50,
      logger: false,
      onRcptTo(address, _session, callback) {
        if (reject?.predicate(address.address)) {
          const error = Object.assign(new Error(`No such user here: ${address.address}`), { responseCode: reject.code });
          return callback(error);
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          messages.push(parseMail(raw, from, session.envelope.rcptTo.map((rcpt) => rcpt.address)));
          callback(null, 'Queued');
        });
      },
    });
    // A sender killed mid-conversation (the fault test SIGKILLs the router)
    // resets its connection; a mail server carries on, and an unhandled
    // 'error' event would take the whole test process down instead.
    instance.on('error', () => undefined);
    await new Promise<void>((resolve, rejectListen) => {
      instance.server.once('error', rejectListen);
      instance.listen(port, '127.0.0.1', () => resolve());
    });
    port = (instance.server.address() as AddressInfo).port;
    server = instance;
  };

  const stop = async () => {
    const instance = server;
    server = null;
    if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
  };

  await listen();
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    stop,
    start: listen,
    rejectRecipients(predicate, code = 550) {
      reject = predicate ? { predicate, code } : null;
    },
    close: stop,
  };
}

/** Headers (unfolded, encoded words decoded) and the text/plain and text/html parts of a message. */
export function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  let text = '';
  let html = '';
  for (const part of leafParts(headers, body)) {
    const type = part.headers['content-type'] ?? 'text/plain';
    if (type.startsWith('text/plain')) text = part.content;
    else if (type.startsWith('text/html')) html = part.content;
  }
  return { from, to, headers, subject: headers.subject ?? '', messageId: headers['message-id'] ?? '', text, html, raw };
}

function splitHeaders(source: string): { headers: Record<string, string>; body: string } {
  const end = source.search(/\r?\n\r?\n/);
  const head = end < 0 ? source : source.slice(0, end);
  const body = end < 0 ? '' : source.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function leafParts(headers: Record<string, string>, body: string): Array<{ headers: Record<string, string>; content: string }> {
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) return [{ headers, content: decodeBody(body, headers['content-transfer-encoding']) }];
  return body
    .split(`--${boundary}`)
    .slice(1)
    .filter((section) => !section.startsWith('--'))
    .flatMap((section) => {
      const part = splitHeaders(section.replace(/^\r?\n/, ''));
      return leafParts(part.headers, part.body.replace(/\r?\n$/, ''));
    });
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let index = 0; index < joined.length; index += 1) {
    const hex = joined.slice(index + 1, index + 3);
    if (joined[index] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else bytes.push(...Buffer.from(joined[index]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words in headers: =?UTF-8?Q?…?= and =?UTF-8?B?…?=. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=(\s+(?==\?))?/gi, (_match, _charset: string, encoding: string, encoded: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(encoded, 'base64').toString('utf8') : decodeQuotedPrintable(encoded.replace(/_/g, ' ')),
  );
}
