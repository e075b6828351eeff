// The bare baseline: read the same file and JSON.parse every line, nothing else.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const started = performance.now();
let lines = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line.length === 0) continue;
  JSON.parse(line);
  lines++;
}
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, lines }));
