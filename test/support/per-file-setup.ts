import { afterAll } from 'vitest';
import { removeTempProjects } from './temp-project.js';

// Vitest setup file: runs before each test file, also where test files share their worker's modules
// (the unit suite's isolate: false), where a hook registered as a support module loads would only
// be registered in the first file that loaded it.
afterAll(removeTempProjects);
