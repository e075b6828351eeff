import type { RiskClass } from '../../../model/index.js';
import { describeValue as describe, type FileProblems, type ProblemPlace } from '../problems.js';
import type { AttrValue, Attributes, RawSpan } from '../span.js';
import type { NameList } from './compiled-options.js';
import { EXPECTED, isRiskClass } from './vocabulary.js';

/**
 * One span as the conventions read it: typed access to its attributes (and its events'), where a
 * value of the wrong type is reported at the span, left out, and marks the span damaged. The span
 * is passed to every convention explicitly; nothing about it is kept once it is read.
 */
export class SpanView {
  damaged: boolean;
  /** Vercel AI SDK spans also carry mimir.* (and mapped names) as telemetry metadata keys: set once the convention is known. */
  metadataNames = false;

  constructor(
    readonly span: RawSpan,
    private readonly problems: FileProblems,
  ) {
    this.damaged = span.damaged;
  }

  get attributes(): Attributes {
    return this.span.attributes;
  }

  /** A mapped name list as this span carries it. */
  names(list: NameList): readonly string[] {
    return this.metadataNames ? list.vercel : list.plain;
  }

  string(key: string, attributes: Attributes = this.span.attributes): string | undefined {
    const value = attributes.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    // Ids written as numbers are still ids; lists and maps are not strings.
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.wrongType(key, value, 'a string');
    return undefined;
  }

  firstKey(keys: readonly string[], attributes: Attributes = this.span.attributes): string | undefined {
    for (const key of keys) if (attributes.has(key)) return key;
    return undefined;
  }

  firstPresent(keys: readonly string[], attributes: Attributes = this.span.attributes): AttrValue | undefined {
    for (const key of keys) {
      const value = attributes.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  firstString(keys: readonly string[], attributes: Attributes = this.span.attributes): string | undefined {
    const key = this.firstKey(keys, attributes);
    return key === undefined ? undefined : this.string(key, attributes);
  }

  /** A string attribute that says something: an empty scope or key is no scope or key. */
  nonEmptyString(keys: readonly string[], attributes: Attributes = this.span.attributes): string | undefined {
    const value = this.firstString(keys, attributes);
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  number(key: string, attributes: Attributes = this.span.attributes): number | undefined {
    const value = attributes.get(key);
    if (value === undefined) return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (Number.isFinite(number)) return number;
    this.wrongType(key, value, 'a number');
    return undefined;
  }

  /** An integer (an exit code). */
  integer(key: string): number | undefined {
    const number = this.number(key);
    if (number === undefined) return undefined;
    if (Number.isInteger(number)) return number;
    this.wrongType(key, number, 'an integer');
    return undefined;
  }

  /** A non-negative integer (token counts, trial numbers). */
  count(key: string): number | undefined {
    const number = this.number(key);
    if (number === undefined) return undefined;
    if (Number.isInteger(number) && number >= 0) return number;
    this.wrongType(key, number, 'a non-negative integer');
    return undefined;
  }

  firstCount(keys: readonly string[]): number | undefined {
    const key = this.firstKey(keys);
    return key === undefined ? undefined : this.count(key);
  }

  confidence(keys: readonly string[]): number | undefined {
    const key = this.firstKey(keys);
    if (key === undefined) return undefined;
    const confidence = this.number(key);
    if (confidence === undefined || (confidence >= 0 && confidence <= 1)) return confidence;
    this.wrongType(key, confidence, 'a confidence between 0 and 1');
    return undefined;
  }

  risk(keys: readonly string[]): RiskClass | undefined {
    const key = this.firstKey(keys);
    if (key === undefined) return undefined;
    const raw = this.span.attributes.get(key);
    if (typeof raw === 'string' && isRiskClass(raw)) return raw;
    this.wrongType(key, raw, EXPECTED.riskClass);
    return undefined;
  }

  wrongType(key: string, value: unknown, expected: string): void {
    this.damaged = true;
    const place: ProblemPlace = { ...this.span.position, spanId: this.span.spanId };
    this.problems.report('wrong-attribute-type', `attribute ${key} is ${describe(value)}, expected ${expected}`, place);
  }
}
