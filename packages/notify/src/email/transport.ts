import type { Logger } from '@earshot/logging';
import nodemailer from 'nodemailer';
import { DeliveryError } from '../retry.js';
import type { EmailMessage } from './render.js';

export interface EmailSettings {
  /** SMTP_URL, e.g. smtp://user:pass@mail.example.com:587 or smtps://…:465. */
  smtpUrl: string;
  /** MAIL_FROM, e.g. "Earshot <earshot@example.com>". */
  from: string;
}

export interface EmailSender {
  /** Resolves with the SMTP Message-ID once the server accepted the message. Failures are DeliveryErrors. */
  send(message: EmailMessage & { to: string; messageId: string }): Promise<{ messageId: string }>;
  close(): void;
}

/** nodemailer codes of failures an outage explains: worth retrying. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'EAUTH', 'ENOAUTH', 'EMAXLIMIT', 'ECONNREFUSED', 'ECONNRESET']);

/** 4xx replies and connection failures are transient; 5xx replies and bad messages are not. */
export function classifySmtpError(error: unknown): DeliveryError {
  const candidate = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const responseCode = typeof candidate.responseCode === 'number' ? candidate.responseCode : null;
  const code = typeof candidate.code === 'string' ? candidate.code : 'unknown';
  const detail = typeof candidate.response === 'string' ? candidate.response : typeof candidate.message === 'string' ? candidate.message : String(error);
  if (responseCode !== null) {
    return new DeliveryError(`SMTP server answered ${responseCode}: ${detail}`, { retriable: responseCode < 500, code: String(responseCode), cause: error });
  }
  const retriable = TRANSIENT_CODES.has(code) || code === 'unknown';
  return new DeliveryError(`SMTP send failed (${code}): ${detail}`, { retriable, code, cause: error });
}

/**
 * nodemailer's pooled SMTP transport. It never re-sends on its own
 * (`maxRequeues: 0`): the outbox owns retries, so a message is retried with
 * backoff and counted, never silently re-queued inside the pool. Timeouts are
 * short enough to stay inside the worker's lease.
 */
export function createEmailSender(settings: EmailSettings, logger: Logger): EmailSender {
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 100,
    maxRequeues: 0,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  transport.on('error', (error) => logger.warn({ err: error }, 'SMTP pool error'));
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
        });
        return { messageId: info.messageId };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
