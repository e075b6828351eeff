import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// Runs `mimir traces <file> [--labels <labels>] --format json` in this process (output discarded) and
// reports its time, its time to first output and its peak RSS. Seconds count from the process's
// start, so loading mimir's modules is counted, as a user waits for it.
// Usage: node bench/run-mimir.mjs <file> [labels]
// CPU seconds per thread (Linux /proc, sampled: a worker's figures vanish when it ends). On a shared
// machine wall time mostly measures the other processes; CPU time does not. The busiest thread's
// CPU time is the critical path: what the wall time would be with a free core per busy thread.
const threadCpu = new Map();
const sampleThreads = () => {
  let tasks;
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tasks) {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threadCpu.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read: its last sample stands.
    }
  }
};
const sampler = setInterval(sampleThreads, 50);
sampler.unref();
// MIMIR_BENCH_DIST: another build's dist/ (a checkout of the commit before), timed by the same script.
const dist = process.env.MIMIR_BENCH_DIST === undefined ? new URL('../dist/', import.meta.url) : pathToFileURL(`${process.env.MIMIR_BENCH_DIST.replace(/\/$/, '')}/`);
const { main } = await import(new URL('cli/main.js', dist).href);

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
sampleThreads();
clearInterval(sampler);
const { userCPUTime, systemCPUTime } = process.resourceUsage();
const mainCpuSeconds = threadCpu.get(String(process.pid)) ?? 0;
const otherThreads = [...threadCpu].filter(([tid]) => tid !== String(process.pid)).map(([, cpu]) => cpu);
console.log(
  JSON.stringify({
    code,
    seconds,
    firstOutputSeconds: (firstOutput ?? performance.now()) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (userCPUTime + systemCPUTime) / 1e6,
    mainCpuSeconds,
    // Process CPU counts threads that have ended; the sampled busiest other thread is the reading worker.
    criticalCpuSeconds: Math.max(mainCpuSeconds, ...otherThreads),
    threadCpuSeconds: process.env.MIMIR_BENCH_THREADS ? [...threadCpu.values()] : undefined,
  }),
);
