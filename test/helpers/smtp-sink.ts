// A real SMTP server on loopback that keeps every message it receives, parsed, so tests can
// read what a person would find in their inbox.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
  /** The header lines as received (a folded header is one entry, its continuation lines included). */
  headerLines: ReadonlyArray<{ key: string; line: string }>;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: ReceivedMail[];
  /** Waits until a message matching `match` arrives (or has arrived) and returns it. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Stops listening (connections to the port are refused) and keeps what arrived. */
  stop(): Promise<void>;
  /** Listens again on the same port, as a mail server back from an outage. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(port = 0, options: { replyDelayMs?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const createServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then(async (parsed) => {
            // A slow server: the message is in, the answer to it comes late.
            if (options.replyDelayMs) await new Promise((resolve) => setTimeout(resolve, options.replyDelayMs));
            messages.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              headers: parsed.headers as Map<string, unknown>,
              headerLines: parsed.headerLines,
            });
            for (const wake of waiters.splice(0)) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
  const listen = async (server: SMTPServer, onPort: number) => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => resolve());
    });
    return (server.server.address() as AddressInfo).port;
  };
  let server: SMTPServer | undefined = createServer();
  const actualPort = await listen(server, port);
  const stop = async () => {
    const running = server;
    server = undefined;
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  };
  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    messages,
    async waitFor(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        const remaining = deadline - Date.now();
        if (remaining <= 0)
          throw new Error(`No matching e-mail arrived within ${timeoutMs} ms (${messages.length} received)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    stop,
    async restart() {
      await stop();
      server = createServer();
      await listen(server, actualPort);
    },
    close: stop,
  };
}
