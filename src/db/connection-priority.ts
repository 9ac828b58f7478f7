// The pool's connections go to urgent work first (src/util/urgency.ts): an inbox request or a
// webhook's store does not queue behind a burst of event processing and live-update reads. On
// the embedded database (one connection) that is the difference between a list in milliseconds
// and one that waits for every statement queued before it; sequelize's own pool is first come,
// first served. Every way sequelize and this code take and give back a connection
// (getConnection; releaseConnection, or destroyConnection for a broken transaction) passes
// through one PriorityGate with the pool's size, so the pool itself never has a queue.
import type { Sequelize } from 'sequelize';
import { PriorityGate } from '../util/priority-gate';
import { isUrgent } from '../util/urgency';

interface ConnectionManager {
  getConnection(options?: object): Promise<unknown>;
  releaseConnection(connection: unknown): unknown;
  destroyConnection(connection: unknown): Promise<unknown>;
}

/** Like sequelize's pool `acquire` default: how long a query may wait for a connection. */
const ACQUIRE_TIMEOUT_MS = 60_000;

export function prioritiseUrgentWork(sequelize: Sequelize, poolSize: number): PriorityGate {
  const gate = new PriorityGate(poolSize, ACQUIRE_TIMEOUT_MS);
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  const destroyConnection = manager.destroyConnection.bind(manager);
  manager.getConnection = async (options) => {
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
