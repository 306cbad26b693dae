// runner/native.ts reads events straight from the drain buffer (readEvent) instead of koffi.decode
// per event: the same events, field by field, for every kind and strategy and for 64-bit values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import koffi from 'koffi';
import { mm_event, readEvent, toEvent } from '../../runner/native';

test('readEvent gives what koffi.decode + toEvent give', () => {
  const size = koffi.sizeof(mm_event);
  const raws = [
    { seq: 0, kind: 1, strategy: 0, offset: 0, size: 4, address: 0x7f1338053000, old_size: 0, new_size: 0, bytes_copied: 0, op: 0 },
    { seq: 1, kind: 2, strategy: 1, offset: 2 ** 32 + 8, size: 4000, address: 0x1000, old_size: 1, new_size: 2, bytes_copied: 3, op: 2 ** 40 },
    { seq: 2 ** 53 - 1, kind: 5, strategy: 3, offset: 2 ** 52, size: 0, address: 0xffffffff, old_size: 65536, new_size: 2 ** 33, bytes_copied: 2 ** 33 - 1, op: 7 },
    { seq: 3, kind: 6, strategy: 2, offset: 0, size: 0, address: 0x1_0000_0000, old_size: 0, new_size: 131072, bytes_copied: 0, op: 9 },
    { seq: 4, kind: 3, strategy: 0, offset: 65536, size: 131072, address: 0, old_size: 0, new_size: 0, bytes_copied: 0, op: 10 },
    { seq: 5, kind: 4, strategy: 0, offset: 65536, size: 131072, address: 0x7fffffffffff, old_size: 0, new_size: 0, bytes_copied: 0, op: 11 },
  ];
  const buf = Buffer.alloc(size * raws.length);
  raws.forEach((r, i) => koffi.encode(buf, i * size, mm_event, r));
  raws.forEach((_, i) => {
    assert.deepEqual(readEvent(buf, i * size), toEvent(koffi.decode(buf, i * size, mm_event) as Record<string, number>), `event ${i}`);
  });
  // Written out by hand for two of them.
  assert.deepEqual(readEvent(buf, 0), {
    seq: 0, kind: 'alloc', op: 0, offset: 0, size: 4, address: '0x7f1338053000', oldSize: 0, newSize: 0, bytesCopied: 0, strategy: 'seed',
  });
  assert.deepEqual(readEvent(buf, 3 * size), {
    seq: 3, kind: 'fileMap', op: 9, offset: 0, size: 0, address: '0x100000000', oldSize: 0, newSize: 131072, bytesCopied: 0, strategy: 'remap',
  });
});
