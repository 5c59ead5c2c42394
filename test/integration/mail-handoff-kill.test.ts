// The hand-off hook promises that once it has run, the end-of-data marker is on its way even if the sender dies
// (docs/decisions/0005-digest-hand-off-journal.md). That holds only if the whole body already left the process:
// a marker still queued behind the body in Node's stream buffers dies with the process. A slow server makes the
// body back up; the sender kills itself right after the hook; the server must still receive the whole message.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '../fixtures/mail/send-then-die.ts');

/** A minimal SMTP server that stops reading for `stallMs` once DATA begins, as a busy relay does. */
function stallingSmtpServer(stallMs: number) {
  const messages: string[] = [];
  const ends: Promise<void>[] = [];
  const server = net.createServer((socket) => {
    let inData = false;
    let buffer = '';
    let message = '';
    let closed!: () => void;
    ends.push(new Promise((r) => (closed = r)));
    socket.on('close', () => closed());
    socket.on('error', () => {});
    socket.setEncoding('latin1');
    socket.write('220 stall.test ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      if (inData) {
        message += chunk;
        const end = message.indexOf('\r\n.\r\n');
        if (end >= 0) {
          messages.push(message.slice(0, end));
          inData = false;
          socket.write('250 kept\r\n');
        }
        return;
      }
      buffer += chunk;
      let newline = buffer.indexOf('\r\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).toUpperCase();
        buffer = buffer.slice(newline + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 stall.test\r\n');
        else if (line.startsWith('MAIL') || line.startsWith('RCPT') || line.startsWith('RSET')) socket.write('250 ok\r\n');
        else if (line === 'QUIT') socket.end('221 bye\r\n');
        else if (line === 'DATA') {
          inData = true;
          message = buffer;
          buffer = '';
          socket.write('354 go on\r\n');
          socket.pause();
          setTimeout(() => socket.resume(), stallMs);
          return;
        } else socket.write('502 unknown\r\n');
        newline = buffer.indexOf('\r\n');
      }
    });
  });
  return {
    messages,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    /** Resolves once every connection has closed: the server has read all the killed sender's socket held. */
    drained: () => Promise.all(ends),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMTP hand-off under SIGKILL', () => {
  let server: ReturnType<typeof stallingSmtpServer>;
  afterEach(async () => server?.close());

  it('a sender killed right after the hand-off hook still delivers the whole message, marker included', async () => {
    server = stallingSmtpServer(1500);
    const port = await server.listen();
    const bytes = 8 * 1024 * 1024;
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, `smtp://127.0.0.1:${port}`, String(bytes)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exit = await new Promise<{ signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (_code, signal) => resolve({ signal })));
    expect(stderr).toBe('');
    expect(stdout).toBe('handed off\n');
    expect(exit.signal).toBe('SIGKILL');
    await server.drained();
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0].length).toBeGreaterThanOrEqual(bytes);
  }, 30_000);
});
