// Helpers for reading loosely typed JSON records: a field of the wrong type is treated as absent, except
// where a format says it is required.
import { RecordError } from './errors.ts';

export type JsonObject = Record<string, unknown>;

/** Parses one JSON line that must hold an object; throws RecordError with the parser's reason. */
export function parseJsonObject(line: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new RecordError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(value)) throw new RecordError(`expected a JSON object, got ${describe(value)}`);
  return value;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A field every record of the format has; its absence makes the record unusable. */
export function requiredString(o: JsonObject, field: string): string {
  const v = o[field];
  if (typeof v !== 'string') throw new RecordError(`field "${field}" is ${v === undefined ? 'missing' : `${describe(v)}, not a string`}`);
  return v;
}
