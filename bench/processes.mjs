// What the benchmark scripts share: running one measured process, and
// drawing an SVG chart to a PNG with the Chromium the e2e tests use.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs `cmd args` with `env` added; resolves its stdout and wall time, rejects with its stderr's start on a non-zero exit. */
export function runProcess(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: exit ${code}: ${err.trim().slice(0, 500)}`));
      else resolve({ out, wallMs: performance.now() - t0 });
    });
  });
}

/** Renders `svg` (960 px wide, `height` high) to the PNG file `out`. */
export async function renderPng(svg, out, height) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 960, height }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: out });
  } finally {
    await browser.close();
  }
}

/**
 * What a benchmark of the runner needs before it starts: dist/runner.js (or
 * a message and exit 2), a scratch folder removed at exit and on Ctrl+C, and
 * bench/limit.c built into it. `name` prefixes the messages and the folder.
 */
export function benchSetup(root, name) {
  const runner = path.join(root, 'dist', 'runner.js');
  if (!existsSync(runner)) {
    console.error(`${name}: dist/runner.js not found: run npm run build first`);
    process.exit(2);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), `memmap-${name}-`));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  const limitExe = path.join(tmp, 'limit');
  execFileSync(process.env.CC || 'cc', ['-O2', '-std=c11', '-Wall', '-o', limitExe, path.join(root, 'bench', 'limit.c')]);
  return { runner, tmp, limitExe };
}
