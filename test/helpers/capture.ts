// A writable stream that keeps what a command prints, for running `main()` in-process in CLI tests.
import { Writable } from 'node:stream';

export function captureOutput(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return { stream, text: () => text };
}
