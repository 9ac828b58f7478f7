// analytics-aggregate: rolls one day into chat_analytics when a msg arrives (an inject node
// fires it daily). The day is msg.payload.date, else yesterday; the work is the core's.
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';
import { findSessionStore } from '../shared/session-store';
import { onInput } from '../shared/input';

interface AnalyticsAggregateConfig extends NodeDefinition {
  store?: string;
}

export = function register(RED: NodeAPI) {
  function AnalyticsAggregate(this: Node, config: AnalyticsAggregateConfig) {
    RED.nodes.createNode(this, config);
    const store = findSessionStore(RED, config.store);
    if (!store) this.status({ fill: 'red', shape: 'ring', text: RED._('analytics-aggregate.errors.noStore') });

    onInput(this, async (msg, send) => {
      if (!store) throw new Error(RED._('analytics-aggregate.errors.noStore'));
      const payload = msg.payload;
      // Only an object's date counts: the inject node's default payload is a timestamp.
      const date = payload !== null && typeof payload === 'object' ? (payload as { date?: unknown }).date : undefined;
      if (date !== undefined && typeof date !== 'string') throw new Error('msg.payload.date must be a date as YYYY-MM-DD');
      const liveChat = await store.liveChat;
      const result = await liveChat.analytics.aggregateDay(date);
      msg.payload = result;
      this.status({ fill: 'green', shape: 'dot', text: `${result.date}: ${result.rows.length} rows` });
      send(msg);
    });
  }

  RED.nodes.registerType('analytics-aggregate', AnalyticsAggregate);
};
