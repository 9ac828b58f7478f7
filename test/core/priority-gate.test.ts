import assert from 'node:assert';
import { PriorityGate } from '../../src/util/priority-gate';

describe('PriorityGate', () => {
  /** Acquires and writes `name` down once granted. */
  const take = (gate: PriorityGate, urgent: boolean, name: string, granted: string[]) => gate.acquire(urgent).then(() => void granted.push(name));
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('grants free slots at once, then each released slot to the first urgent waiter, then the others in order', async () => {
    const gate = new PriorityGate(2, 1000);
    const granted: string[] = [];
    await Promise.all([take(gate, false, 'a', granted), take(gate, false, 'b', granted)]);
    const waits = [take(gate, false, 'c', granted), take(gate, false, 'd', granted), take(gate, true, 'U1', granted), take(gate, true, 'U2', granted)];
    await settle();
    assert.deepStrictEqual(granted, ['a', 'b']);
    assert.strictEqual(gate.waiting, 4);
    for (let i = 0; i < 4; i++) {
      gate.release();
      await settle();
    }
    await Promise.all(waits);
    assert.deepStrictEqual(granted, ['a', 'b', 'U1', 'U2', 'c', 'd']);
    // Every slot back: free again, and no more than there are.
    for (let i = 0; i < 5; i++) gate.release();
    await Promise.all([take(gate, false, 'e', granted), take(gate, false, 'f', granted)]);
    const late = take(gate, false, 'g', granted);
    await settle();
    assert.deepStrictEqual(granted.slice(-2), ['e', 'f']);
    assert.strictEqual(gate.waiting, 1);
    gate.release();
    await late;
  });

  it('lets a waiting other waiter through after its number of urgent grants in a row, so urgent work never starves the rest', async () => {
    const gate = new PriorityGate(1, 1000, 2);
    const granted: string[] = [];
    await take(gate, true, 'U0', granted);
    const waits = [take(gate, false, 'a', granted), take(gate, false, 'b', granted)];
    for (let i = 1; i <= 5; i++) waits.push(take(gate, true, `U${i}`, granted));
    for (let i = 0; i < 7; i++) {
      gate.release();
      await settle();
    }
    await Promise.all(waits);
    assert.deepStrictEqual(granted, ['U0', 'U1', 'U2', 'a', 'U3', 'U4', 'b', 'U5']);
  });

  it('gives a waiter up after its deadline without losing the slot for the others', async () => {
    const gate = new PriorityGate(1, 30);
    await gate.acquire(false);
    await assert.rejects(gate.acquire(true), /no database connection free within 30 ms/);
    assert.strictEqual(gate.waiting, 0);
    gate.release();
    await gate.acquire(false);
  });

  it('refuses its waiters and later acquires once closed', async () => {
    const gate = new PriorityGate(1, 1000);
    await gate.acquire(false);
    const waiting = gate.acquire(false);
    gate.close(new Error('the database is closed'));
    await assert.rejects(waiting, /the database is closed/);
    await assert.rejects(gate.acquire(true), /the database is closed/);
  });
});
