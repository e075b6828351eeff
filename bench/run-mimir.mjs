// Runs `mimir traces <file> --format json` in this process (output discarded) and reports time and peak RSS.
import { main } from '../dist/cli/main.js';

const started = performance.now();
const sink = { write: () => true, isTTY: false };
const code = await main(['traces', process.argv[2], '--format', 'json'], {
  io: { stdout: sink, stderr: { write: (t) => process.stderr.write(t), isTTY: false }, stdinIsTTY: false, env: {}, cwd: process.cwd() },
  prompter: undefined,
});
console.log(JSON.stringify({ code, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
