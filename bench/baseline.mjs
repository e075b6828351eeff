// The bare baseline, the strongest simple one: read the file in 4 MB chunks, decode it, and
// JSON.parse every line, nothing else (faster than node:readline, which the bench used before).
// Seconds count from the process's start, as mimir's do (bench/run-mimir.mjs).
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const fd = openSync(process.argv[2], 'r');
const chunk = Buffer.allocUnsafe(4 << 20);
// A chunk can end inside a multi-byte character: the decoder holds its first bytes back.
const decoder = new StringDecoder('utf8');
let rest = '';
let lines = 0;
for (let read; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
  const text = rest + decoder.write(chunk.subarray(0, read));
  let start = 0;
  for (let newline; (newline = text.indexOf('\n', start)) !== -1; start = newline + 1) {
    if (newline > start) {
      JSON.parse(text.slice(start, newline));
      lines++;
    }
  }
  rest = text.slice(start);
}
closeSync(fd);
rest += decoder.end();
if (rest.trim().length > 0) {
  JSON.parse(rest);
  lines++;
}
// CPU seconds too: on a shared machine they say what wall time cannot (one thread: all of it is the critical path).
const { userCPUTime, systemCPUTime } = process.resourceUsage();
const cpuSeconds = (userCPUTime + systemCPUTime) / 1e6;
console.log(JSON.stringify({ seconds: performance.now() / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, lines, cpuSeconds, criticalCpuSeconds: cpuSeconds }));
