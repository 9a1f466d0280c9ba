// Where messages go: a real SMTP server when SMTP_URL is set; otherwise .eml files under
// DATA_DIR/outbox, readable by admins at /admin/outbox (development, demos, tests).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

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

function toNodemailer(message: OutgoingMessage) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: {
      'X-Laurel-Outbox-Id': String(message.outboxId),
      ...(message.unsubscribeUrl
        ? { 'List-Unsubscribe': `<${message.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
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
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
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

export function fileTransport(outboxDir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'files',
    send: async (message) => {
      const info = await transporter.sendMail(toNodemailer(message));
      mkdirSync(outboxDir, { recursive: true });
      writeFileSync(emlPath(outboxDir, message.outboxId), info.message as Buffer);
    },
    close: () => transporter.close(),
  };
}

export function createMailTransport(options: { smtpUrl: string | undefined; dataDir: string }): MailTransport {
  return options.smtpUrl
    ? smtpTransport(options.smtpUrl)
    : fileTransport(path.join(options.dataDir, 'outbox'));
}
