// Extension-host test entry (extensionTestsPath), bundled with the tests by
// test/integration/run.mjs into out/integration/suite/index.js. Used both by @vscode/test-electron (VS Code
// desktop) and by code-server's smoke-test driver (payload extensionTestsPath): VS Code calls run()
// inside the extension host; a resolved promise means success, a rejection failure.
//
// Everything is reported through console.log, which code-server forwards to the browser
// (codeAutomationLog) and VS Code desktop forwards to its stdout. The last line is a
// machine-readable summary that test/integration/run.mjs counts:
//   memmap-suite-result {"passed":N,"failed":M,"pending":P,"tests":[{"title":...,"ok":...}]}
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
// mocha 12 is an ES module; require() of it (Node >= 20.19 / 22.12) yields its namespace, whose
// default is the Mocha class (the bundle keeps mocha external and takes that default).
import Mocha from 'mocha';

// untrusted/ holds the tests of the untrusted-workspace launch (run.mjs starts code-server a
// second time with workspace trust on); every other file runs in the trusted launch. The
// compiled tests end in .test.js.
const UNTRUSTED_DIR = path.join(__dirname, 'untrusted');

function findTests(dir: string, skip?: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) { if (full !== skip) out.push(...findTests(full, skip)); }
    else if (entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

// A reporter that prints one line per test through console.log (mocha's own reporters write to
// process.stdout, which the browser-hosted workbench does not see).
const outcomes: { title: string; ok: boolean }[] = []; // per test, for the summary line

class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.on('pass', (t) => outcomes.push({ title: t.fullTitle(), ok: true }));
    runner.on('fail', (t) => outcomes.push({ title: t.fullTitle(), ok: false }));
    const indent = (t: Mocha.Runnable): string => '  '.repeat(Math.max(0, t.titlePath().length - 1));
    runner.on('suite', (suite) => { if (suite.title) console.log(`${'  '.repeat(suite.titlePath().length - 1)}${suite.title}`); });
    runner.on('pass', (t) => console.log(`${indent(t)}  ok   ${t.title} (${t.duration} ms)`));
    runner.on('pending', (t) => console.log(`${indent(t)}  skip ${t.title}`));
    runner.on('fail', (t, err) => {
      console.log(`${indent(t)}  FAIL ${t.title}`);
      console.log(String((err && (err.stack || err.message)) || err).split('\n').map((l) => `        ${l}`).join('\n'));
    });
  }
}

export function run(): Promise<void> {
  // MEMMAP_IT_SUITE_GREP (from run.mjs through code-server's environment): a regular expression;
  // only tests whose full title matches it run.
  const grep = process.env.MEMMAP_IT_SUITE_GREP;
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: LineReporter });
  if (grep) mocha.grep(new RegExp(grep));
  const trusted = vscode.workspace.isTrusted;
  const files = trusted ? findTests(__dirname, UNTRUSTED_DIR) : findTests(UNTRUSTED_DIR);
  for (const f of files) mocha.addFile(f);
  console.log(`memmap-suite: running ${files.length} file(s) in the extension host (node ${process.version}), workspace ${trusted ? 'trusted' : 'UNTRUSTED'}${grep ? `, only tests matching ${JSON.stringify(grep)}` : ''}`);
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner | undefined;
    try {
      runner = mocha.run((failures) => {
        const stats = runner?.stats;
        const result = { passed: stats?.passes ?? 0, failed: failures, pending: stats?.pending ?? 0, tests: outcomes };
        console.log(`memmap-suite-result ${JSON.stringify(result)}`);
        if (process.env.MEMMAP_SUITE_RESULT) {
          try { fs.writeFileSync(process.env.MEMMAP_SUITE_RESULT, JSON.stringify(result)); } catch { /* best effort */ }
        }
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (err) {
      console.log(`memmap-suite-result ${JSON.stringify({ passed: 0, failed: 1, pending: 0 })}`);
      console.log(String((err instanceof Error && err.stack) || err));
      reject(err);
    }
  });
}

