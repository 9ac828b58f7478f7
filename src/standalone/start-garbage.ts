// V8 collects garbage when JavaScript allocates, and a server idle after its start allocates next
// to nothing: the start's garbage (migrations, Node-RED loading its nodes and the flow, some 35 MB
// of heap) stayed resident, 172 MB idle where the collection below leaves 130-137 MB
// (bench/memory-start, PostgreSQL). V8's memory reducer frees it only after a collection, which
// an idle process may not make for minutes. One full collection a moment after the start gives
// the memory back at once. It is upkeep, not part of getting ready: on a slow VM it pauses the
// process for 0.2 s, so it comes after "ready", once the start's own follow-up work is done.
import v8 from 'node:v8';
import vm from 'node:vm';

/** After "ready": the recovery pass and the first live-update link run meanwhile, and their garbage goes too. */
const AFTER_READY_MS = 1000;

/** The collection below, once, a moment after the start (the timer keeps no process alive). */
export function collectStartGarbageSoon(): void {
  setTimeout(collectStartGarbage, AFTER_READY_MS).unref();
}

export function collectStartGarbage(): void {
  // A function V8 gives only to code that runs after the flag is set: a new context's `gc`.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as ((options: object) => void) | undefined;
  // Contexts made later (Node-RED's function nodes run in such) get no `gc` of their own.
  v8.setFlagsFromString('--no-expose-gc');
  // 'last-resort': the collection that also compacts the heap and returns its emptied pages, as
  // the memory reducer's does (a plain one keeps them committed: 92 MB of heap for 55 MB used).
  gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
