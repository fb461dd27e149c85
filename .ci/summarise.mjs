// Prints vitest's JSON results as the plain line CI reads: "N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.test-results/vitest.json';
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.error(`no vitest results at ${file} (the type check or the run itself failed)`);
  process.exit(1);
}
const passed = results.numPassedTests ?? 0;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
// A test file that fails to load has no failed tests of its own: count it so it cannot pass silently.
const failedSuitesWithoutTests = (results.testResults ?? []).filter(
  (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).every((t) => t.status !== 'failed'),
).length;
const failed = (results.numFailedTests ?? 0) + failedSuitesWithoutTests;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
