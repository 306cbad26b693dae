// Shared by the extension-host suites.
'use strict';

const EXTENSION_ID = 'memmap-lab.memmap-lab';

/** Polls predicate() until it returns a truthy value; throws after timeoutMs. */
async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

module.exports = { EXTENSION_ID, waitFor };
