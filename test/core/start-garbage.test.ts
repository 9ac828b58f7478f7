// npm start's collection once its start is done: it gives back the heap the start's garbage
// filled, and leaves no `gc` to the contexts made after it (Node-RED's function nodes run in such).
// That it is the compacting collection V8's memory reducer makes, not a plain one (which kept the
// product's emptied pages: 172 MB idle instead of 130), shows on the product's own start only:
// bench/memory-start.
import assert from 'node:assert';
import v8 from 'node:v8';
import vm from 'node:vm';
import { collectStartGarbage } from '../../src/standalone/start-garbage';

describe('the collection after the start', () => {
  it('gives back the heap garbage filled, and exposes no gc to contexts made later', () => {
    // Many small objects, a few of which stay (every 50th).
    const kept: unknown[] = [];
    let garbage: { n: number; s: string }[] | undefined = [];
    for (let i = 0; i < 800_000; i++) {
      const object = { n: i, s: `start ${i}` };
      if (i % 50 === 0) kept.push(object);
      else garbage.push(object);
    }
    const filled = v8.getHeapStatistics().total_heap_size;
    garbage = undefined;
    collectStartGarbage();
    const after = v8.getHeapStatistics().total_heap_size;
    assert.ok(after < filled - 20 * 2 ** 20, `heap ${(filled / 2 ** 20).toFixed(0)} MB → ${(after / 2 ** 20).toFixed(0)} MB`);
    assert.strictEqual(kept.length, 16_000);
    assert.strictEqual(vm.runInNewContext('typeof gc'), 'undefined');
  });
});
