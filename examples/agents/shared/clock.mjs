// The agents' clock. Real time by default (probes, tests, your own runs). When recording the
// example corpora, MIMIR_EXAMPLE_CLOCK=virtual:<epochMs>[:<scale>] switches to a virtual clock so
// that span times are deterministic and meaningful, as the fixture generators in scripts/fixtures
// do:
// - `Date`, `Date.now` and `performance.now` (what the AI SDK and OpenTelemetry read) show the
//   virtual time, which starts at <epochMs> and moves only when the code says so: a model call
//   "takes" 350 ms + 6 ms per output token, a tool call its modelled latency, a backoff its delay;
// - a deadline (a per-call timeout) still has to wait in real time, since a tool that hangs never
//   answers: it waits <ms>/<scale> real milliseconds and then moves the virtual clock to the full
//   deadline, so a 5 s timeout costs 2.5 s of real time at scale 2 and reads as 5 s in the trace.

const spec = process.env.MIMIR_EXAMPLE_CLOCK;

function parseSpec(text) {
  if (!text) return undefined;
  const match = /^virtual:(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (!match) throw new Error(`MIMIR_EXAMPLE_CLOCK must look like virtual:<epochMs>[:<scale>], got "${text}"`);
  return { epochMs: Number(match[1]), scale: match[2] === undefined ? 1 : Number(match[2]) };
}

const virtual = parseSpec(spec);
let elapsed = 1; // ms since the virtual epoch; performance.now must stay small and positive

if (virtual) {
  const RealDate = Date;
  class VirtualDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(virtual.epochMs + elapsed);
      else super(...args);
    }
    static now() {
      return virtual.epochMs + elapsed;
    }
  }
  globalThis.Date = VirtualDate;
  performance.now = () => elapsed;
}

/** True when the clock is virtual (recording); false in real time. */
export const isVirtual = virtual !== undefined;

/** Moves the virtual clock forward; a no-op in real time (real work takes the time it takes). */
export function advance(ms) {
  if (virtual && ms > 0) elapsed += ms;
}

/** Milliseconds on the clock the traces use. */
export function nowMs() {
  return Date.now();
}

/** Waits `ms` (a backoff, a pause): really in real time; in virtual time the clock jumps and the code only yields. */
export function sleep(ms, signal) {
  if (virtual) {
    advance(ms);
    return new Promise((resolve) => setImmediate(resolve));
  }
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * A deadline for one call: `signal` aborts after `ms` (scaled down in virtual time). Call
 * `settle()` when the call ends: if the deadline fired, the virtual clock is moved to the full
 * deadline, so the trace shows a call that took exactly its timeout.
 */
export function deadline(ms) {
  const controller = new AbortController();
  const startedAt = elapsed;
  const realMs = virtual ? Math.max(1, Math.round(ms / virtual.scale)) : ms;
  const timer = setTimeout(() => controller.abort(new TimeoutError(`timed out after ${ms} ms`)), realMs);
  return {
    signal: controller.signal,
    settle() {
      clearTimeout(timer);
      if (virtual && controller.signal.aborted) elapsed = Math.max(elapsed, startedAt + ms);
      return controller.signal.aborted;
    },
  };
}

export class TimeoutError extends Error {
  name = 'TimeoutError';
}
