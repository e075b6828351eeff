// Preloaded into the back-office server when the example corpora are recorded
// (node --import …/fixed-clock-preload.mjs back-office-server.mjs): the server stamps refunds,
// emails and deletions with `new Date()`, so its clock is pinned to MIMIR_EXAMPLE_FIXED_NOW (the
// run's start) and those timestamps, which the agents see in tool results, are the same on every
// recording. Without the variable it does nothing.
const fixed = process.env.MIMIR_EXAMPLE_FIXED_NOW;
if (fixed) {
  const ms = Date.parse(fixed);
  if (Number.isNaN(ms)) throw new Error(`MIMIR_EXAMPLE_FIXED_NOW is not a date: ${fixed}`);
  const RealDate = Date;
  globalThis.Date = class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(ms);
      else super(...args);
    }
    static now() {
      return ms;
    }
  };
}
