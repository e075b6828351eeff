#!/usr/bin/env node
// The only place mimir calls process.exit: the CLI returns exit codes, this turns them into one.
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
