// analytics-aggregate: rolls one day into chat_analytics when a msg arrives (an inject node
// fires it daily). The day is msg.payload.date, else yesterday (then only on the leading
// instance when several share the database); the work is the core's.
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';
import { readyStoreNode, runningLiveChat, startStoreNode } from '../shared/running-store';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';

/** Version 1: name, store. */
const ANALYTICS_AGGREGATE_CONFIG_VERSION = 1;

interface AnalyticsAggregateConfig extends NodeDefinition {
  store?: string;
}

export = function register(RED: NodeAPI) {
  function AnalyticsAggregate(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const start = startStoreNode<AnalyticsAggregateConfig>(RED, this, saved, ANALYTICS_AGGREGATE_CONFIG_VERSION);

    onInput(this, async (msg, send) => {
      const { store } = readyStoreNode(RED, this, start);
      const payload = msg.payload;
      // Only an object's date counts: the inject node's default payload is a timestamp.
      const date = payload !== null && typeof payload === 'object' ? (payload as { date?: unknown }).date : undefined;
      if (date !== undefined && typeof date !== 'string') throw new Error(RED._('analytics-aggregate.errors.badDate'));
      const liveChat = await runningLiveChat(RED, this, store);
      // The daily run fires on every instance; one of them (the leader) rolls the day up. A day
      // asked for by name is rolled up wherever it is asked.
      if (date === undefined && !liveChat.leadership.isLeader) {
        msgStatus(this).set(() => ({ fill: 'grey', shape: 'ring', text: RED._('analytics-aggregate.status.leftToLeader') }));
        return;
      }
      let result: Awaited<ReturnType<typeof liveChat.analytics.aggregateDay>>;
      try {
        result = await liveChat.analytics.aggregateDay(date);
      } catch (err) {
        throw new Error(RED._('analytics-aggregate.errors.failed', { date: date ?? '', error: (err as Error).message }));
      }
      msg.payload = result;
      const done = { date: result.date, count: result.rows.length };
      msgStatus(this).set(() => ({ fill: 'green', shape: 'dot', text: RED._('analytics-aggregate.status.done', done) }));
      send(msg);
    });
  }

  RED.nodes.registerType('analytics-aggregate', AnalyticsAggregate);
};
