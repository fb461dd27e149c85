/** Where results go and what they record about the run: one implementation for every benchmark. */
export { RESULTS_DIR, machineInfo as runInfo, writeJson as writeResult } from './perf-kit.js';
