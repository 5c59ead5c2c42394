// Reads a JSON array element by element from bytes that arrive in chunks (@streamparser/json tokenizes and
// assembles), so `[{},{},…]` with 20 million elements costs memory for one chunk's elements, not for the whole
// array, and caps stop a hostile document early: too many elements, or one element too large.
import { Tokenizer, TokenizerError, TokenParser, TokenParserError, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { UnusableInputError } from './errors.ts';

export interface JsonArrayLimits {
  /** Elements read before the rest of the document is refused. */
  maxElements: number;
  /** Bytes one element may span (its whitespace and separator included). */
  maxElementBytes: number;
  /** The reason to give when the root is an object, from its first key (an API's error or wrapper object). */
  objectRoot?: (firstKey: string | null) => string;
}

// Bytes handed to the tokenizer at once: the granularity of the size check and of stopping at the cap.
const SLICE_BYTES = 64 * 1024;

/** Stops the tokenizer from inside its callbacks; never leaves this module. */
class StopReading extends Error {}

/**
 * One JSON array document. `write` returns the elements its bytes completed; once the document turns out to
 * be unusable (invalid JSON, not an array, a cap reached) the elements before that point have been returned
 * and the next `write` or `end` throws UnusableInputError.
 */
export class JsonArrayReader {
  private readonly tokenizer = new Tokenizer();
  private readonly parser = new TokenParser({ paths: ['$.*'], keepStack: false });
  private completed: unknown[] = [];
  private elements = 0;
  private depth = 0;
  private sawRoot = false;
  private rootIsObject = false;
  /** Byte offset of the last `[` or `,` that opened an element of the array. */
  private elementBoundary = 0;
  private bytesFed = 0;
  private failure: UnusableInputError | null = null;

  constructor(private readonly limits: JsonArrayLimits) {
    this.tokenizer.onToken = (token) => this.onToken(token);
    this.tokenizer.onEnd = () => {
      if (!this.parser.isEnded) this.parser.end();
    };
    this.parser.onValue = ({ value }) => {
      if (++this.elements > this.limits.maxElements) {
        this.stop(`more than ${this.limits.maxElements} records: the rest of the document was not read`);
      }
      this.completed.push(value);
    };
  }

  /** Feeds the next bytes (or text); returns the elements they completed. */
  write(chunk: Uint8Array | string): unknown[] {
    if (this.failure) throw this.failure;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let at = 0; at < bytes.length && !this.failure; at += SLICE_BYTES) {
      const slice = bytes.subarray(at, at + SLICE_BYTES);
      this.bytesFed += slice.length;
      this.guard(() => this.tokenizer.write(slice));
      if (!this.failure && this.depth >= 1 && this.bytesFed - this.elementBoundary > this.limits.maxElementBytes) {
        this.failure = new UnusableInputError(`a record larger than ${this.limits.maxElementBytes} bytes`);
      }
    }
    const done = this.completed;
    this.completed = [];
    return done;
  }

  /** Ends the document; throws UnusableInputError when it was unusable or incomplete. */
  end(): void {
    if (this.failure) throw this.failure;
    this.guard(() => this.tokenizer.end());
    if (this.failure) throw this.failure;
    if (!this.sawRoot) throw new UnusableInputError('invalid JSON: empty document');
  }

  private guard(work: () => void) {
    try {
      work();
    } catch (e) {
      if (e instanceof StopReading) return;
      if (e instanceof UnusableInputError) this.failure = e;
      else if (isSyntaxError(e)) this.failure = new UnusableInputError(`invalid JSON: ${(e as Error).message}`);
      else throw e;
    }
  }

  private stop(reason: string): never {
    this.failure = new UnusableInputError(reason);
    throw new StopReading();
  }

  private onToken(info: ParsedTokenInfo) {
    const { token, offset } = info;
    if (!this.sawRoot) {
      this.sawRoot = true;
      if (token === TokenType.LEFT_BRACE) this.rootIsObject = true;
      else if (token !== TokenType.LEFT_BRACKET) this.stop(`expected a JSON array, got ${scalarKind(token)}`);
    } else if (this.rootIsObject && this.depth === 1) {
      // The first key names what the object is (an API error, a wrapper); nothing inside it is read.
      const firstKey = token === TokenType.STRING ? String(info.value) : null;
      this.stop(
        this.limits.objectRoot?.(firstKey) ??
          `expected a JSON array, got an object${firstKey === null ? '' : ` (first key ${JSON.stringify(firstKey.slice(0, 40))})`}`,
      );
    }
    // Inside the array every token is checked against the start of its element, the closing `,` or `]` too.
    if (this.depth >= 1 && offset - this.elementBoundary > this.limits.maxElementBytes) {
      this.stop(`a record larger than ${this.limits.maxElementBytes} bytes`);
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) this.depth++;
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) this.depth--;
    if (this.depth === 1 && (token === TokenType.LEFT_BRACKET || token === TokenType.COMMA)) this.elementBoundary = offset;
    this.parser.write(info);
  }
}

/** The parser's complaints about the input: its two error classes, and plain Errors for a document cut short. */
function isSyntaxError(e: unknown): boolean {
  return e instanceof TokenizerError || e instanceof TokenParserError || (e instanceof Error && Object.getPrototypeOf(e) === Error.prototype);
}

function scalarKind(token: TokenType): string {
  if (token === TokenType.STRING) return 'a string';
  if (token === TokenType.NUMBER) return 'a number';
  if (token === TokenType.TRUE || token === TokenType.FALSE) return 'a boolean';
  return 'null';
}
