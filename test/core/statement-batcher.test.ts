import assert from 'node:assert';
import { StatementBatcher } from '../../src/util/statement-batcher';

/** A flush that records each call's inputs and answers when released, doubling each input. */
function controlledFlush() {
  const calls: number[][] = [];
  const releases: ((fail?: Error) => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const flush = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push(inputs);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      releases.push((fail) => {
        inFlight -= 1;
        if (fail) reject(fail);
        else resolve(inputs.map((n) => n * 2));
      });
    });
  return {
    flush,
    calls,
    release: (fail?: Error) => releases.shift()!(fail),
    get mostInFlight() {
      return mostInFlight;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementBatcher', () => {
  it('flushes a lone caller at once, and gathers what arrives meanwhile into the next flush, in order', async () => {
    const f = controlledFlush();
    const batcher = new StatementBatcher(f.flush, { maxBatch: 100 });
    const first = batcher.submit([1]);
    await tick();
    assert.deepStrictEqual(f.calls, [[1]]);
    const rest = [batcher.submit([2, 3]), batcher.submit([4]), batcher.submit([5, 6, 7])];
    await tick();
    assert.strictEqual(f.calls.length, 1, 'nothing more while the first flush is in flight');
    f.release();
    assert.deepStrictEqual(await first, [2]);
    await tick();
    assert.deepStrictEqual(f.calls, [[1], [2, 3, 4, 5, 6, 7]]);
    f.release();
    assert.deepStrictEqual(await Promise.all(rest), [[4, 6], [8], [10, 12, 14]]);
    assert.strictEqual(f.mostInFlight, 1);
  });

  it('caps a flush at maxBatch inputs without splitting a caller, and takes a caller over the cap alone', async () => {
    const f = controlledFlush();
    const batcher = new StatementBatcher(f.flush, { maxBatch: 3 });
    const all = [batcher.submit([1]), batcher.submit([2, 3]), batcher.submit([4, 5]), batcher.submit([6, 7, 8, 9]), batcher.submit([10])];
    while (f.calls.length < 4) {
      await tick();
      f.release();
    }
    assert.deepStrictEqual(f.calls, [[1], [2, 3], [4, 5], [6, 7, 8, 9]]);
    await tick();
    f.release();
    assert.deepStrictEqual(f.calls[4], [10]);
    assert.deepStrictEqual(await Promise.all(all), [[2], [4, 6], [8, 10], [12, 14, 16, 18], [20]]);
    assert.strictEqual(f.mostInFlight, 1);
  });

  it("gives every caller of a failed flush the flush's error, and goes on with the next", async () => {
    const f = controlledFlush();
    const batcher = new StatementBatcher(f.flush, { maxBatch: 100 });
    const first = batcher.submit([1]);
    const a = batcher.submit([2]);
    const b = batcher.submit([3]);
    await tick();
    f.release();
    await first;
    await tick();
    f.release(new Error('connection lost'));
    await assert.rejects(a, /connection lost/);
    await assert.rejects(b, /connection lost/);
    const later = batcher.submit([4]);
    await tick();
    f.release();
    assert.deepStrictEqual(await later, [8]);
  });

  it('with isolateFailures, flushes each caller of a failed flush alone, so only the bad one fails', async () => {
    const calls: number[][] = [];
    const batcher = new StatementBatcher(
      async (inputs: number[]) => {
        calls.push(inputs);
        await tick();
        if (inputs.includes(13)) throw new Error('13 refused');
        return inputs.map((n) => n + 1);
      },
      { maxBatch: 100, isolateFailures: true },
    );
    const first = batcher.submit([1]);
    const results = await Promise.allSettled([batcher.submit([2]), batcher.submit([13, 14]), batcher.submit([3])]);
    assert.deepStrictEqual(await first, [2]);
    assert.deepStrictEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [[3], '13 refused', [4]],
    );
    assert.deepStrictEqual(calls, [[1], [2, 13, 14, 3], [2], [13, 14], [3]]);
  });

  it('answers an empty submission at once without a flush', async () => {
    const f = controlledFlush();
    const batcher = new StatementBatcher(f.flush, { maxBatch: 10 });
    assert.deepStrictEqual(await batcher.submit([]), []);
    assert.strictEqual(f.calls.length, 0);
  });
});
