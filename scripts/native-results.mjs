// The C test binaries' output (native/test/test_main.c), read the same way by
// test-native.mjs and test-win32.mjs: one "PASS name", "FAIL name" or
// "SKIP name: why" line per test. A test that ends early because it cannot
// run here prints a line starting with "SKIPPED" (check.h's T_SKIP, or the
// same words by hand) before its PASS line: it counts as skipped, not passed.
export function classify(out) {
  let passed = 0;
  let failed = 0;
  const skips = [];
  let pendingSkip = null;
  for (const line of out.split(/\r?\n/)) {
    const skipped = /^\s*SKIPPED:? ?(.*)$/.exec(line);
    if (skipped) {
      pendingSkip = skipped[1] || 'no reason given';
      continue;
    }
    const m = /^(PASS|FAIL|SKIP) (\S+?):?(?: (.*))?$/.exec(line);
    if (!m) continue;
    if (m[1] === 'SKIP') skips.push(`${m[2]}: ${m[3] ?? 'no reason given'}`);
    else if (m[1] === 'FAIL') failed++;
    else if (pendingSkip !== null) skips.push(`${m[2]}: ${pendingSkip}`);
    else passed++;
    pendingSkip = null;
  }
  return { passed, failed, skipped: skips.length, skips };
}
