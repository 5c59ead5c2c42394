// A small pool of SMTP connections (nodemailer's SMTPConnection) that can hold back the end-of-data marker.
//
// Why not nodemailer's own pool: a mail server accepts a message when it reads the final "<CRLF>.<CRLF>"
// and answers 250 after that; if the sender dies in between, it cannot know whether the message was taken
// (RFC 1047). To make that window as small as we can, the message body is streamed in full and the marker is
// released only after the caller's `onHandOff` has durably recorded "handed off" (src/mail/digest-runner.ts).
// nodemailer's pool buffers the message into an intermediate stream before the server has even accepted the
// recipient, so a hook there would fire too early; SMTPConnection.send pipes our stream only after DATA.
import { Readable, type Writable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

export interface PoolSend {
  from: string;
  to: string;
  raw: Buffer;
  /** Runs after the body reached the connection, immediately before the end-of-data marker (same tick); throwing aborts the send. */
  onHandOff?: () => void;
}

export interface PoolResult {
  response: string;
  /** True once onHandOff completed, i.e. the server may have the message even if an error follows. */
  handedOff: boolean;
}

/** The stream nodemailer sends: the whole message, then a pause for the hook, then the end. */
class HoldingStream extends Readable {
  private state: 'body' | 'hook' | 'done' = 'body';
  handedOff = false;
  private abandoned = false;
  /** nodemailer's dot-escaping stream, which this one is piped into; it pipes on into the socket. */
  private escaper: (NodeJS.ReadWriteStream & { writableLength?: number; readableLength?: number }) | null = null;

  constructor(
    private readonly raw: Buffer,
    private readonly socket: () => Writable | undefined,
    private readonly hook?: () => void,
  ) {
    super();
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.escaper = destination as never;
    return super.pipe(destination, options);
  }

  /**
   * Called once the server has answered (or the connection failed): whatever happens to the rest of the body,
   * the hand-off must not be recorded and the end-of-data marker must not follow a reply, or a server that
   * keeps reading a half-closed connection could accept a message the runner already counts as refused.
   */
  abandon(): void {
    if (this.state === 'done' && this.handedOff) return;
    this.state = 'done';
    this.abandoned = true;
  }

  /**
   * True once every byte of the body is in the kernel. Only then does the marker, written next, reach the
   * kernel in the same macrotask: behind a body still queued in Node's stream buffers (a slow server fills
   * the socket), it would wait for later event-loop turns and die with a killed process after the hand-off
   * was recorded. The kernel sends what it holds even after the process is gone.
   */
  private flushed(): boolean {
    const socket = this.socket();
    return (
      this.readableLength === 0 && (this.escaper?.writableLength ?? 0) === 0 && (this.escaper?.readableLength ?? 0) === 0 && (socket?.writableLength ?? 0) === 0
    );
  }

  override _read(): void {
    if (this.state === 'body') {
      this.state = 'hook';
      this.push(this.raw);
      return;
    }
    if (this.state !== 'hook') return;
    this.state = 'done';
    if (!this.hook) {
      this.push(null);
      return;
    }
    // Inside the macrotask that finds the body flushed, nothing else can run between the hook's record and the
    // marker: push(null) ends the stream on the next tick, and nodemailer's data stream then writes the marker
    // synchronously. Until then, wait: setImmediate first (the body usually flows out in one turn), then every
    // millisecond while a slow server drains it.
    const release = (waited: boolean) => {
      if (this.abandoned) return;
      if (!this.flushed()) {
        if (waited) setTimeout(release, 1, true);
        else setImmediate(release, true);
        return;
      }
      try {
        this.hook!();
      } catch (e) {
        this.destroy(e as Error);
        return;
      }
      this.handedOff = true;
      this.push(null);
    };
    setImmediate(release, false);
  }
}

interface PooledConnection {
  conn: SMTPConnection;
  sent: number;
  broken: boolean;
}

export class SmtpPool {
  private readonly idle: PooledConnection[] = [];
  private readonly waiters: { resolve: (c: PooledConnection) => void; reject: (e: unknown) => void }[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly options: SMTPConnection.Options,
    private readonly maxConnections: number,
    private readonly maxMessagesPerConnection = 1000,
  ) {}

  async send(message: PoolSend): Promise<PoolResult> {
    const pooled = await this.acquire();
    // SMTPConnection keeps its socket private; the hold-back needs to see what is still queued on it.
    const body = new HoldingStream(message.raw, () => (pooled.conn as unknown as { _socket?: Writable })._socket, message.onHandOff);
    try {
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
        pooled.conn.send({ from: message.from, to: [message.to] }, body as never, (err, info) => {
          body.abandon();
          if (err) reject(err);
          else resolve(info);
        });
      });
      pooled.sent++;
      this.release(pooled);
      return { response: String(info.response ?? ''), handedOff: body.handedOff };
    } catch (e) {
      const err = e as Error & { responseCode?: number; handedOff?: boolean };
      err.handedOff = body.handedOff;
      // After a refusal with a reply the connection is fine once reset; after anything else it is not trusted.
      if (err.responseCode && !pooled.broken) {
        pooled.conn.reset((resetErr) => {
          if (resetErr) this.discard(pooled);
          else this.release(pooled);
        });
      } else {
        this.discard(pooled);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.idle.splice(0)) p.conn.quit();
    for (const w of this.waiters.splice(0)) w.reject(Object.assign(new Error('mail transport closed'), { code: 'ECONNECTION' }));
  }

  private acquire(): Promise<PooledConnection> {
    if (this.closed) return Promise.reject(Object.assign(new Error('mail transport closed'), { code: 'ECONNECTION' }));
    // A connection the server closed or answered out of turn (e.g. 421 on shutdown) while idle is never reused.
    let ready = this.idle.pop();
    while (ready && ready.broken) ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    if (this.open < this.maxConnections) return this.connect();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private connect(): Promise<PooledConnection> {
    this.open++;
    return new Promise<PooledConnection>((resolve, reject) => {
      const conn = new SMTPConnection(this.options);
      const pooled: PooledConnection = { conn, sent: 0, broken: false };
      let settled = false;
      const fail = (err: unknown) => {
        pooled.broken = true;
        if (settled) {
          this.forget(pooled);
          conn.close();
        } else {
          settled = true;
          this.forget(pooled);
          conn.close();
          reject(err);
        }
      };
      conn.on('error', fail);
      // A server closing an idle connection: drop it from the pool so the next send opens a new one.
      conn.on('end', () => {
        pooled.broken = true;
        this.forget(pooled);
      });
      conn.connect((err) => {
        if (err) return fail(err);
        // Nagle's algorithm holds the short end-of-data write until the body is acknowledged, and the server
        // delays that ACK (40 ms on Linux): a stall per message that capped a connection near 20 messages/s.
        // SMTPConnection does not expose its socket; this is the one private field we touch.
        (conn as unknown as { _socket?: { setNoDelay?(on: boolean): void } })._socket?.setNoDelay?.(true);
        const auth = this.options.auth;
        if (!auth || !('user' in auth) || !auth.user) {
          settled = true;
          return resolve(pooled);
        }
        conn.login(auth as SMTPConnection.Credentials, (loginErr) => {
          if (loginErr) return fail(loginErr);
          settled = true;
          resolve(pooled);
        });
      });
    });
  }

  private release(p: PooledConnection): void {
    if (p.broken || this.closed || p.sent >= this.maxMessagesPerConnection) {
      if (!p.broken) p.conn.quit();
      this.discard(p);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(p);
    else this.idle.push(p);
  }

  private discard(p: PooledConnection): void {
    p.broken = true;
    this.forget(p);
    p.conn.close();
  }

  /** Removes a connection from the count once, and opens a replacement for anyone waiting. */
  private forget(p: PooledConnection): void {
    if ((p as { forgotten?: boolean }).forgotten) return;
    (p as { forgotten?: boolean }).forgotten = true;
    const i = this.idle.indexOf(p);
    if (i >= 0) this.idle.splice(i, 1);
    this.open--;
    const waiter = this.waiters.shift();
    if (waiter && !this.closed) this.connect().then(waiter.resolve, waiter.reject);
  }
}
