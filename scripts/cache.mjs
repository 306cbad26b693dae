// The one cache folder of the scripts, outside the repo: code-server and Node
// for the integration tests, the cross-built suites, the Wine prefix.
// $MEMMAP_LAB_CACHE, default ~/.cache/memmap-lab.
import os from 'node:os';
import path from 'node:path';

export const CACHE_NAME = 'memmap-lab';

export function cacheDir() {
  return path.resolve(process.env.MEMMAP_LAB_CACHE || path.join(os.homedir(), '.cache', CACHE_NAME));
}
