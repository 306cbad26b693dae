// Shared by the extension-host suites.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MemMapTestApi } from '../../../extension/testApi';

export const EXTENSION_ID = 'memmap-lab.memmap-lab';

/** The extension, typed by what its activate returns. */
export function memmapExtension(): vscode.Extension<MemMapTestApi> {
  const ext = vscode.extensions.getExtension<MemMapTestApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} not found; have: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
  return ext;
}

/** Activates the extension and returns its test API (extension/testApi.ts). */
export function activateApi(): Thenable<MemMapTestApi> {
  return memmapExtension().activate();
}

/** The first workspace folder (the suites run in test/fixtures/workspace). */
export function workspaceFolder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder is open');
  return f.uri;
}

/** Polls predicate() until it returns a truthy value; throws after timeoutMs. */
export async function waitFor<T>(predicate: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
