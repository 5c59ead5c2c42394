// A real SMTP server on 127.0.0.1 for tests (smtp-server), keeping every message it accepted, raw and
// parsed with mailparser. It can refuse recipients (permanently or temporarily), stop and start again
// on the same port, and be driven from another process's point of view through its URL.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelopeTo: string[];
  /** Which listening period of the server took it (0 before the first stop(), 1 after the first start() …). */
  generation: number;
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Reply for RCPT TO per address: e.g. { 'gone@example.org': 550 } or 450 for a temporary refusal. */
  refuse: Map<string, number>;
  /** Milliseconds the server takes to accept each message after its end-of-data marker (a slow relay). */
  acceptDelayMs: number;
  /** Resolves when `count` messages have arrived (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  start(): Promise<void>;
}

export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let stopping = false;
  let generation = 0;
  const refuse = new Map<string, number>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const serverOptions: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // The tests send thousands of messages over a few pooled connections.
    maxClients: 100,
    // stop() should not wait half a minute for idle pooled client connections.
    closeTimeout: 200,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address.toLowerCase());
      if (code) {
        const err = new Error(code >= 500 ? 'mailbox unavailable' : 'try again later') as Error & { responseCode: number };
        err.responseCode = code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const sessionGeneration = generation;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          // Like a real relay, a message whose end-of-data marker arrived is kept even if the client vanishes now.
          if (handle.acceptDelayMs) await new Promise((r) => setTimeout(r, handle.acceptDelayMs));
          const parsed = await simpleParser(raw);
          // ...but not when the server began shutting down before accepting it: then it answers 421 and keeps
          // nothing, as RFC 5321 requires of a server that does not reply 250. Keeping the message and replying
          // happen in one tick, so every kept message's 250 precedes the shutdown's 421 on the wire. A connection
          // of a stopped server that lingers half-closed keeps nothing either, even once the server listens again.
          if (stopping || sessionGeneration !== generation) {
            const err = new Error('shutting down') as Error & { responseCode: number };
            err.responseCode = 421;
            return callback(err);
          }
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), generation: sessionGeneration, raw, parsed });
          for (const w of [...waiters]) {
            if (received.length >= w.count) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve();
            }
          }
          callback();
        } catch (e) {
          callback(e as Error);
        }
      });
    },
  };
  let server = new SMTPServer(serverOptions);
  let port = options.port ?? 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.server.address() as AddressInfo).port;
        stopping = false;
        // Client sockets reset by a killed sender surface here; they are part of the tests, not failures.
        server.on('error', () => {});
        resolve();
      });
    });
  await listen();
  const handle: TestSmtpServer = {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    received,
    refuse,
    acceptDelayMs: 0,
    waitFor(count, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages arrived`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    stop: () => {
      stopping = true;
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      generation++;
      server = new SMTPServer(serverOptions);
      await listen();
    },
  };
  return handle;
}
