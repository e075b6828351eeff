import type { Message } from '../../../model/index.js';
import type { AttrValue } from '../span.js';
import { jsonValue, readMessage, readMessages } from './messages.js';
import { RecentTexts } from './recent-texts.js';
import type { SpanView } from './span-view.js';

/**
 * The last input message list parsed per trace. An agent resends its whole history on every call,
 * so each call's list usually extends the previous one: then only the new tail is parsed and the
 * earlier Message objects are shared, which saves most of the parsing and the memory. Bounded by
 * entries (one per trace, the latest) and by characters; the oldest traces are let go first.
 */

/** Histories remembered, by count and by characters. */
const HISTORY_CACHE_ENTRIES = 4096;
const HISTORY_CACHE_CHARS = 32 * 1024 * 1024;
const COMMA = 0x2c;
/** Distinct system-instruction texts remembered: an agent sends the same instructions on every call. */
const SYSTEM_INSTRUCTION_CACHE = 8;

interface ParsedList {
  readonly raw: string;
  readonly messages: readonly Message[];
}

interface History extends ParsedList {
  /** The trace's last model output, parsed: the next call's history usually starts its tail with it. */
  readonly output?: ParsedList;
}

export class MessageHistoryCache {
  private readonly histories = new Map<string, History>();
  private historyChars = 0;
  private readonly systemMessages = new RecentTexts<Message | undefined>(SYSTEM_INSTRUCTION_CACHE);

  /**
   * gen_ai.system_instructions as one system message (undefined when it has no text). The same
   * text comes on every call of an agent, often across runs: it is parsed once, and the calls share
   * the message.
   */
  systemMessage(instructions: AttrValue): Message | undefined {
    return typeof instructions === 'string' ? this.systemMessages.get(instructions, systemMessageOf) : systemMessageOf(instructions);
  }

  /**
   * A JSON list of messages at `key` (a string attribute, or a structured one), or undefined when
   * the span has none; `history` lists extend the trace's previous one. A value that is not a list
   * of messages is reported.
   */
  messageList(view: SpanView, key: string, history: boolean): readonly Message[] | undefined {
    const raw = view.attributes.get(key);
    if (raw === undefined) return undefined;
    const traceId = view.span.traceId;
    if (history && typeof raw === 'string') {
      const previous = this.histories.get(traceId);
      const extended = previous && extendHistory(previous, raw);
      if (extended) return this.rememberHistory(traceId, raw, extended);
    }
    const messages = readMessages(jsonValue(raw));
    if (messages === undefined) view.wrongType(key, raw, 'a JSON list of messages');
    else if (history && typeof raw === 'string') this.rememberHistory(traceId, raw, messages);
    return messages;
  }

  /**
   * Keeps a model output list (as text and parsed) with the trace's history: the next call resends
   * it at the start of its new tail, and then those messages are the same objects, parsed once.
   */
  rememberOutput(view: SpanView, key: string, messages: readonly Message[]): void {
    const raw = view.attributes.get(key);
    const traceId = view.span.traceId;
    const history = this.histories.get(traceId);
    if (typeof raw !== 'string' || !history) return;
    this.remember(traceId, { raw: history.raw, messages: history.messages, output: { raw, messages } });
  }

  /** The trace became a run: its history is no longer needed. */
  forget(traceId: string): void {
    const entry = this.histories.get(traceId);
    if (!entry) return;
    this.historyChars -= historyLength(entry);
    this.histories.delete(traceId);
  }

  private rememberHistory(traceId: string, raw: string, messages: readonly Message[]): readonly Message[] {
    this.remember(traceId, { raw, messages });
    return messages;
  }

  /**
   * Makes `entry` the trace's history, as its most recent: older traces' entries are let go first
   * when the cache is over its bounds, and an entry larger than the whole cache is not kept.
   */
  private remember(traceId: string, entry: History): void {
    const previous = this.histories.get(traceId);
    if (previous) {
      this.historyChars -= historyLength(previous);
      this.histories.delete(traceId);
    }
    const length = historyLength(entry);
    if (length > HISTORY_CACHE_CHARS) return;
    while (this.histories.size > 0 && (this.histories.size >= HISTORY_CACHE_ENTRIES || this.historyChars + length > HISTORY_CACHE_CHARS)) {
      const [oldest, evicted] = this.histories.entries().next().value as [string, History];
      this.historyChars -= historyLength(evicted);
      this.histories.delete(oldest);
    }
    this.histories.set(traceId, entry);
    this.historyChars += length;
  }
}

/**
 * When `raw` is the previous JSON list with elements appended (`[a,b]` → `[a,b,c]`), the previous
 * messages plus the parsed tail; otherwise undefined (the caller parses the whole list).
 */
function extendHistory(previous: History, raw: string): readonly Message[] | undefined {
  const before = previous.raw;
  // The same list again (a retried call): the same messages.
  if (raw === before) return previous.messages;
  const open = before.length - 1;
  if (raw.length <= before.length || before.charCodeAt(open) !== 0x5d /* ] */ || raw.charCodeAt(open) !== COMMA) return undefined;
  // String equality compares memory at once; startsWith walks characters (50× slower on 20 kB).
  if (raw.substring(0, open) !== before.substring(0, open)) return undefined;
  const tail = resentOutput(previous.output, raw, before.length) ?? readMessages(jsonValue(`[${raw.slice(before.length)}`));
  return tail && [...previous.messages, ...tail];
}

/** A system message of the instructions' text parts; undefined when they have no text. */
function systemMessageOf(instructions: AttrValue): Message | undefined {
  const system = readMessage({ role: 'system', parts: jsonValue(instructions) ?? instructions });
  return system && system.content !== '' ? system : undefined;
}

/** Characters a history entry keeps alive. */
function historyLength(entry: History): number {
  return entry.raw.length + (entry.output?.raw.length ?? 0);
}

/**
 * When the new tail of a history (`raw` from `from`, just after the comma) starts with the elements of
 * the previous output list, exactly as they were written or without the last one's finish_reason:
 * those output messages (the same objects) followed by the rest of the tail parsed. Otherwise
 * undefined. Elements are read one by one, so the result is what parsing the whole tail would give.
 */
function resentOutput(output: ParsedList | undefined, raw: string, from: number): Message[] | undefined {
  if (output === undefined) return undefined;
  const list = output.raw;
  if (list.length <= 2 || list.charCodeAt(0) !== 0x5b /* [ */ || list.charCodeAt(list.length - 1) !== 0x5d /* ] */) return undefined;
  const resent = resentElements(list.substring(1, list.length - 1), raw, from) ?? resentElements(withoutFinishReason(list), raw, from);
  if (resent === undefined) return undefined;
  if (resent === raw.length) return [...output.messages];
  const rest = readMessages(jsonValue(`[${raw.slice(resent)}`));
  return rest && [...output.messages, ...rest];
}

/**
 * When `raw` has `elements` at `from`, followed by the end of the list (the index returned is then
 * raw.length) or a comma (the index after it); otherwise undefined.
 */
function resentElements(elements: string | undefined, raw: string, from: number): number | undefined {
  if (elements === undefined || elements === '') return undefined;
  const after = from + elements.length;
  const next = raw.charCodeAt(after);
  if (next !== COMMA && next !== 0x5d /* ] */) return undefined;
  if (raw.substring(from, after) !== elements) return undefined;
  if (next === 0x5d) return after === raw.length - 1 ? raw.length : undefined;
  return after + 1;
}

const FINISH_REASON = ',"finish_reason":"';

/**
 * An output list's elements without the last one's trailing `"finish_reason"` (the GenAI output
 * message has it, the input message it is resent as has not); undefined when it has none. Only a
 * plain string value right before the element's closing brace counts: that is a key of the element
 * itself, never text inside a string, and readMessage reads no finish_reason, so the messages are
 * the same.
 */
function withoutFinishReason(list: string): string | undefined {
  const close = list.length - 3; // the quote before `}]`
  if (list.charCodeAt(close) !== 0x22 /* " */ || list.charCodeAt(close + 1) !== 0x7d /* } */) return undefined;
  const key = list.lastIndexOf(FINISH_REASON, close);
  if (key === -1) return undefined;
  for (let index = key + FINISH_REASON.length; index < close; index++) {
    const char = list.charCodeAt(index);
    if (char === 0x22 /* " */ || char === 0x5c /* \ */) return undefined;
  }
  return `${list.substring(1, key)}}`;
}
