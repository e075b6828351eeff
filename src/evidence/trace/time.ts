/**
 * Time, as every trace reader writes and parses it: ISO 8601 out (`isoTime`), and the timestamps
 * of framework exports in (`parseRecordTime`), so the LangSmith and OpenAI Agents readers agree on
 * what a time is.
 */

/** `YYYY-MM-DDTHH:MM:` by minute since the epoch: traces interleave runs from many minutes. */
const minutePrefixes = new Map<number, string>();
const MAX_CACHED_MINUTES = 1024;
/** 10000-01-01T00:00:00Z: from there on, toISOString writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

/**
 * ISO 8601 with milliseconds, as Date#toISOString writes it; sub-millisecond precision is not
 * needed by any analysis. The date and minute are formatted once per minute (and remembered) and
 * only seconds and milliseconds per call: toISOString per timestamp was a tenth of the reader's time.
 */
export function isoTime(ms: number): string {
  const whole = Math.floor(ms);
  if (whole < 0 || whole >= YEAR_10000_MS) return new Date(ms).toISOString();
  const minute = Math.floor(whole / 60_000);
  let prefix = minutePrefixes.get(minute);
  if (prefix === undefined) {
    if (minutePrefixes.size >= MAX_CACHED_MINUTES) minutePrefixes.clear();
    prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    minutePrefixes.set(minute, prefix);
  }
  const rest = whole - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${prefix}${seconds < 10 ? '0' : ''}${seconds}${millis < 10 ? '.00' : millis < 100 ? '.0' : '.'}${millis}Z`;
}

export interface RecordTime {
  readonly ms: number | undefined;
  readonly iso: string | undefined;
  /** True when a value was there but is not a time (the caller reports it). */
  readonly invalid: boolean;
}

const NO_TIME: RecordTime = { ms: undefined, iso: undefined, invalid: false };
const NOT_A_TIME: RecordTime = { ms: undefined, iso: undefined, invalid: true };
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A framework record's time: ISO 8601, or epoch milliseconds. LangSmith writes UTC without a zone
 * and with microseconds ("2025-06-02T09:10:00.000000"), the Agents SDK an offset ("…+00:00"), and
 * the SDKs also send epoch milliseconds. JavaScript's Date takes neither a missing zone (it would
 * read local time, which would make a reading depend on the machine) nor reliably six fraction
 * digits, so both are normalized first: a time without a zone is UTC.
 */
export function parseRecordTime(value: unknown): RecordTime {
  if (value === null || value === undefined) return NO_TIME;
  let ms = Number.NaN;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = ISO_LIKE.exec(value.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      const fraction = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
      ms = Date.parse(`${match[1]}T${match[2]}.${fraction}${match[4] ?? 'Z'}`);
    }
  }
  if (!Number.isFinite(ms)) return NOT_A_TIME;
  return { ms, iso: new Date(ms).toISOString(), invalid: false };
}
