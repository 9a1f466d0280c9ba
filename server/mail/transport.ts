// Where messages go: a real SMTP server when SMTP_URL is set; otherwise .eml files under
// DATA_DIR/outbox (development, demos). Those files are the delivered mail, working links and
// all; /admin/outbox never serves them, only a copy rebuilt from the masked outbox row.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { listUnsubscribeHeader, oneLine, senderAddress, subjectLine } from './headers.js';

export interface OutgoingMessage {
  outboxId: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  unsubscribeUrl?: string | null;
}

export interface MailTransport {
  kind: 'smtp' | 'files';
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/**
 * How long an SMTP send may wait: for the connection (DNS included), for the greeting, and for
 * each reply while the connection is silent. Each is well under the worker's STALE_CLAIM_MS, so a
 * server that stops answering ends the send long before another worker could take the message
 * back; a send that keeps making progress renews its claim (see worker.ts).
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

/** Every header value is folded to one line here, whatever the outbox row holds. */
function toNodemailer(message: OutgoingMessage) {
  const listUnsubscribe = listUnsubscribeHeader(message.unsubscribeUrl);
  return {
    from: senderAddress(message.from),
    to: oneLine(message.to),
    subject: subjectLine(message.subject),
    text: message.text,
    html: message.html,
    messageId: oneLine(message.messageId),
    headers: {
      'X-Laurel-Outbox-Id': String(message.outboxId),
      ...(listUnsubscribe
        ? { 'List-Unsubscribe': listUnsubscribe, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : {}),
    },
  };
}

export function smtpTransport(smtpUrl: string): MailTransport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transporter: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    ...SMTP_TIMEOUTS,
  });
  return {
    kind: 'smtp',
    send: async (message) => {
      await transporter.sendMail(toNodemailer(message));
    },
    close: () => transporter.close(),
  };
}

export function emlPath(outboxDir: string, outboxId: number): string {
  return path.join(outboxDir, `${outboxId}.eml`);
}

const emlBuilder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

/** The message as an .eml file: what the file transport writes, and the admin's download. */
export async function buildEml(message: OutgoingMessage): Promise<Buffer> {
  const info = await emlBuilder.sendMail(toNodemailer(message));
  return info.message as Buffer;
}

export function fileTransport(outboxDir: string): MailTransport {
  return {
    kind: 'files',
    send: async (message) => {
      const eml = await buildEml(message);
      mkdirSync(outboxDir, { recursive: true });
      writeFileSync(emlPath(outboxDir, message.outboxId), eml);
    },
    close: () => {},
  };
}

export function createMailTransport(options: { smtpUrl: string | undefined; dataDir: string }): MailTransport {
  return options.smtpUrl ? smtpTransport(options.smtpUrl) : fileTransport(path.join(options.dataDir, 'outbox'));
}
