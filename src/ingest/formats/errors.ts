// The two ways a source can be wrong. A RecordError costs one record (reported and skipped); an
// UnusableInputError costs the whole file or response (nothing in it can be trusted).

export class RecordError extends Error {
  override name = 'RecordError';
}

export class UnusableInputError extends Error {
  override name = 'UnusableInputError';
}
