import { describe, it } from 'vitest';
import { REPORTERS, REPORT_FORMATS } from '../../src/report/index.js';
import { expectGolden, maskVolatile } from '../support/golden.js';
import { redAudit } from '../support/sample-audit.js';

/** Every format of the red sample, byte for byte, with volatile stamp fields masked. */
describe('golden reports of the red sample', () => {
  const audit = redAudit();
  for (const format of REPORT_FORMATS) {
    const reporter = REPORTERS[format];
    it(`${format} (${reporter.fileName})`, () => {
      expectGolden(`red/${reporter.fileName}`, maskVolatile(reporter.render(audit, { color: false, width: 80 }), audit));
    });
  }
});
