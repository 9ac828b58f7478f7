// The pool's connections go to urgent work first (src/util/urgency.ts): an inbox request or a
// webhook's store does not queue behind a burst of event processing and live-update reads. On the
// embedded database (one connection) that is the difference between a list in milliseconds and one
// that waits for every statement queued before it; sequelize's own pool is first come, first
// served. Background work is not starved either: see URGENT_IN_A_ROW. Work is marked only once
// every connection has been in use (wantUrgency): a server's pool under ingest alone almost never
// is, and the mark costs CPU on every promise (src/util/urgency.ts). Every way sequelize and this
// code take and give back a connection (getConnection; releaseConnection, or destroyConnection for
// a broken transaction) passes through one PriorityGate with the pool's size, so the pool itself
// never has a queue.
import type { Sequelize } from 'sequelize';
import { PriorityGate } from '../util/priority-gate';
import { isUrgent, wantUrgency } from '../util/urgency';

interface ConnectionManager {
  getConnection(options?: object): Promise<unknown>;
  releaseConnection(connection: unknown): unknown;
  destroyConnection(connection: unknown): Promise<unknown>;
}

/** Like sequelize's pool `acquire` default: how long a query may wait for a connection. */
const ACQUIRE_TIMEOUT_MS = 60_000;
/**
 * Urgent statements (or transactions) in a row while background work waits: a request of a few
 * statements goes through at once, and event processing still gets at least one connection grant
 * in five (a grant is a whole transaction, a batch of events) however busy the inbox is.
 */
const URGENT_IN_A_ROW = 4;

export function prioritiseUrgentWork(sequelize: Sequelize, poolSize: number): PriorityGate {
  const gate = new PriorityGate(poolSize, ACQUIRE_TIMEOUT_MS, URGENT_IN_A_ROW);
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  const destroyConnection = manager.destroyConnection.bind(manager);
  manager.getConnection = async (options) => {
    // Every connection in use: from now on, work is marked urgent or not (src/util/urgency.ts).
    if (gate.full) wantUrgency();
    await gate.acquire(isUrgent());
    try {
      return await getConnection(options);
    } catch (err) {
      gate.release();
      throw err;
    }
  };
  manager.releaseConnection = (connection) => {
    try {
      return releaseConnection(connection);
    } finally {
      gate.release();
    }
  };
  manager.destroyConnection = async (connection) => {
    try {
      return await destroyConnection(connection);
    } finally {
      gate.release();
    }
  };
  return gate;
}
