// Prints the one closing line "N passed, M failed" over every test of the run, counting a test
// file that failed to load as a failure, and exits non-zero on any failure.
import { readFileSync, existsSync } from 'node:fs';

const [file, vitestCode] = process.argv.slice(2);
if (!existsSync(file)) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
let passed = 0;
let failed = 0;
for (const suite of report.testResults ?? []) {
  const tests = suite.assertionResults ?? [];
  passed += tests.filter((t) => t.status === 'passed').length;
  failed += tests.filter((t) => t.status === 'failed').length;
  if (suite.status === 'failed' && tests.every((t) => t.status !== 'failed')) failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || Number(vitestCode) !== 0 ? 1 : 0);
