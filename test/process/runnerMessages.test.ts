// The real runner's messages (dist/runner.js, built by npm test) all pass the
// extension's validation: the checks of messages.test.ts reject bad values,
// this makes sure they do not reject good ones. Not pure: not in the mutation run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseFromRunner } from '../../common/messages';

test('the real runner\'s messages all pass the validation', () => {
  const runner = path.resolve(__dirname, '..', '..', 'dist', 'runner.js');
  const out = execFileSync(process.execPath, [runner, 'run', '--scenario', 'random', '--items', '3000', '--ndjson'], { encoding: 'utf8' });
  const kinds = new Set<string>();
  for (const line of out.trim().split('\n')) {
    const m = JSON.parse(line);
    kinds.add(m.type);
    const r = parseFromRunner(m);
    assert.ok(r.ok, `${line.slice(0, 200)}: ${r.ok ? '' : r.reason}`);
  }
  assert.ok(kinds.has('hello') && kinds.has('sample') && kinds.has('done'), [...kinds].join(', '));
});
