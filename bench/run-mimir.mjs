// Runs `mimir traces <file> [--labels <labels>] --format json` in this process (output discarded) and
// reports its time, its time to first output and its peak RSS. Seconds count from the process's
// start, so loading mimir's modules is counted, as a user waits for it.
// Usage: node bench/run-mimir.mjs <file> [labels]
const { main } = await import('../dist/cli/main.js');

let firstOutput;
const sink = {
  write: () => {
    firstOutput ??= performance.now();
    return true;
  },
  isTTY: false,
};
const [file, labels] = process.argv.slice(2);
const code = await main(['traces', file, ...(labels ? ['--labels', labels] : []), '--format', 'json'], {
  io: { stdout: sink, stderr: { write: (t) => process.stderr.write(t), isTTY: false }, stdinIsTTY: false, env: {}, cwd: process.cwd() },
  prompter: undefined,
});
const seconds = performance.now() / 1000;
console.log(JSON.stringify({ code, seconds, firstOutputSeconds: (firstOutput ?? performance.now()) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
