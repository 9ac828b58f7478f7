// Work is marked urgent or background only while connections have been scarce lately: the mark
// (an AsyncLocalStorage) costs a hook on every promise of the process while it is in use.
import assert from 'node:assert';
import { inBackground, isUrgent, URGENCY_LINGER_MS, urgently, wantUrgency } from '../../src/util/urgency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('urgency marks', () => {
  afterEach(() => wantUrgency(performance.now() - URGENCY_LINGER_MS));

  it('marks nothing while nothing has been scarce', async () => {
    wantUrgency(performance.now() - URGENCY_LINGER_MS);
    assert.strictEqual(
      await urgently(async () => {
        await tick();
        return isUrgent();
      }),
      false,
    );
  });

  it('marks urgent work, across its awaits, and background work started from it, once something is scarce, for URGENCY_LINGER_MS', async () => {
    wantUrgency();
    const seen = await urgently(async () => {
      await tick();
      const here = isUrgent();
      const background = await inBackground(async () => {
        await tick();
        return isUrgent();
      });
      return { here, background, after: isUrgent() };
    });
    assert.deepStrictEqual(seen, { here: true, background: false, after: true });
    // A linger that has run out: work is no longer marked.
    wantUrgency(performance.now() - URGENCY_LINGER_MS - 1);
    assert.strictEqual(await urgently(async () => isUrgent()), false);
  });
});
