import type { AttrValue, Attributes, RawEvent, RawSpan } from '../../evidence/trace/span.js';
import { redactSecrets, type SecretPattern } from '../../shared/redact.js';
import type { PendingBatch } from './batch.js';

/**
 * Secrets out of a batch before it is written anywhere: every string an attribute, an event or a
 * status message carries goes through mimir's redaction (the reports' patterns, plus mimir.yaml's
 * `redaction.patterns`). Ids, names and times are left alone: they are not where credentials hide,
 * and the run is assembled from them.
 */
export function redactBatch(batch: PendingBatch, patterns: readonly SecretPattern[]): PendingBatch {
  return {
    ...batch,
    spans: batch.spans.map((stored) => ({ ...stored, span: redactSpan(stored.span, patterns) })),
    events: batch.events.map((stored) => ({ ...stored, event: redactEvent(stored.event, patterns) })),
  };
}

function redactSpan(span: RawSpan, patterns: readonly SecretPattern[]): RawSpan {
  return {
    ...span,
    attributes: redactAttributes(span.attributes, patterns),
    events: span.events.map((event) => redactEvent(event, patterns)),
    statusMessage: span.statusMessage === undefined ? undefined : redactSecrets(span.statusMessage, patterns),
  };
}

function redactEvent(event: RawEvent, patterns: readonly SecretPattern[]): RawEvent {
  return { ...event, attributes: redactAttributes(event.attributes, patterns) };
}

function redactAttributes(attributes: Attributes, patterns: readonly SecretPattern[]): Attributes {
  const redacted = new Map<string, AttrValue>();
  for (const [key, value] of attributes) redacted.set(key, redactValue(value, patterns));
  return redacted;
}

function redactValue(value: AttrValue, patterns: readonly SecretPattern[]): AttrValue {
  if (typeof value === 'string') return redactSecrets(value, patterns);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly AttrValue[]).map((item) => redactValue(item, patterns));
  const record: Record<string, AttrValue> = Object.create(null) as Record<string, AttrValue>;
  for (const [key, item] of Object.entries(value)) record[key] = redactValue(item, patterns);
  return record;
}
