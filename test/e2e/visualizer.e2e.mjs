// UI tests for the visualizer panel. Each exported async function is one test; it receives
// { page, webview, workbenchUrl, resultsDir } (see ../run.mjs). Tests of a file run in the order
// of `order` when it is exported, else alphabetically; all share one workbench page, so each test
// makes sure itself that what it needs is open (openVisualizer is idempotent).
import assert from 'node:assert/strict';
import path from 'node:path';
import { editorTab, openVisualizer, osPageSize, webviewValue } from './helpers.mjs';

export const order = ['openVisualizerFromCommandPalette', 'showsNativeLibraryInfo'];

export async function openVisualizerFromCommandPalette({ page, webview }) {
  await openVisualizer(page, webview);
  assert.equal(await editorTab(page, 'MemMap Lab').count(), 1, 'exactly one "MemMap Lab" tab');
}

export async function showsNativeLibraryInfo({ page, webview, resultsDir }) {
  await openVisualizer(page, webview);
  const version = await webviewValue(webview, '#lib-version');
  const pageSize = await webviewValue(webview, '#page-size');
  const granularity = await webviewValue(webview, '#granularity');
  const platform = await webviewValue(webview, '#platform');
  console.log(`      panel: lib-version=${version} page-size=${pageSize} granularity=${granularity} platform=${platform}`);
  await page.screenshot({ path: path.join(resultsDir, 'panel.png') });

  assert.match(version, /^\d+\.\d+\.\d+/);
  const ps = Number(pageSize.replace(/[\s,_]/g, ''));
  assert.ok(Number.isInteger(ps) && ps > 0, `page size "${pageSize}" is not a positive integer`);
  assert.equal(ps, osPageSize(), 'page size is the OS page size (getconf PAGESIZE)');
  const g = Number(granularity.replace(/[\s,_]/g, ''));
  assert.ok(Number.isInteger(g) && g > 0 && g % ps === 0, `granularity "${granularity}" is not a positive multiple of ${ps}`);
  assert.ok(platform.length > 0);
}
