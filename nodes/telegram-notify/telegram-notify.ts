// telegram-notify: alerts the Telegram admin group about a handoff (the msg from the handoff
// node), and while deployed reminds it of chats still waiting. It sits downstream of the
// handoff, which has stored and answered the handoff before this node sees the msg, so a slow
// or failing Telegram delays or undoes nothing. The sending rules live in the core.
import type { NodeAPI, NodeDefinition, Node, NodeMessage } from '../shared/node-red';
import { serveCredentialChoices } from '../shared/credential-choices';
import { readyStoreNode, runningLiveChat, startStoreNode } from '../shared/running-store';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';
import { type AlertRequest, type ReminderRound, TelegramAlertNotSent } from '../../src/telegram/telegram-alerts';

/** Version 1: name, store, credential, remind, reminderCheckSeconds. */
const TELEGRAM_NOTIFY_CONFIG_VERSION = 1;

interface TelegramNotifyConfig extends NodeDefinition {
  store?: string;
  credential?: string;
  remind?: boolean;
  /** Hidden: how often to look for chats to remind of, in seconds (default 30). */
  reminderCheckSeconds?: number | string;
}

const DEFAULT_CHECK_SECONDS = 30;

export = function register(RED: NodeAPI) {
  serveCredentialChoices(RED);

  function TelegramNotify(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const start = startStoreNode<TelegramNotifyConfig>(RED, this, saved, TELEGRAM_NOTIFY_CONFIG_VERSION);
    const { config, store } = start;
    const credential = config?.credential?.trim() || undefined;

    onInput(this, async (msg, send) => {
      const { store } = readyStoreNode(RED, this, start);
      const contact = msg.contact as AlertRequest['contact'] | null | undefined;
      if (!contact || typeof contact.line_user_id !== 'string') throw new Error(RED._('telegram-notify.errors.noContact'));
      const liveChat = await runningLiveChat(RED, this, store);
      try {
        msg.telegram = await liveChat.telegram.sendHandoffAlert({
          contact,
          session: msg.session as AlertRequest['session'],
          recentMessages: msg.recentMessages as AlertRequest['recentMessages'],
          credential,
          // An event emitted again after a crash takes over an alert its first run had begun.
          takeOver: (msg.line as { redelivery?: unknown } | undefined)?.redelivery === true,
        });
      } catch (err) {
        const reason = err instanceof TelegramAlertNotSent ? err.reason : (err as Error).message;
        throw new Error(RED._('telegram-notify.errors.alertNotSent', { error: reason }));
      }
      msgStatus(this).set(() => ({ fill: 'green', shape: 'dot', text: RED._('telegram-notify.status.alertSent', { time: new Date().toLocaleTimeString() }) }));
      send(msg);
    });

    if (!config || !store || config.remind === false) return;
    const checkSeconds = Number(config.reminderCheckSeconds) > 0 ? Math.max(0.05, Number(config.reminderCheckSeconds)) : DEFAULT_CHECK_SECONDS;
    let running = false;
    let closed = false;
    // The same failure every round (Telegram down for an hour) is reported once, not every 30 s.
    let lastReported = '';

    const report = (text: string, round?: ReminderRound) => {
      msgStatus(this).now({ fill: 'red', shape: 'ring', text: text.slice(0, 60) });
      if (text === lastReported) return;
      lastReported = text;
      // With a msg, the error reaches Catch nodes; without one Node-RED would only log it.
      this.error(text, { topic: 'telegram-reminders', payload: round ?? { sent: 0, failed: [] } } as NodeMessage);
    };

    const remind = async () => {
      const liveChat = await runningLiveChat(RED, this, store);
      const round = await liveChat.telegram.sendDueReminders(credential);
      if (closed) return;
      if (round.failed.length > 0) {
        const first = round.failed[0];
        report(RED._('telegram-notify.errors.remindersNotSent', { count: round.failed.length, session: first.session_id, error: first.error }), round);
        return;
      }
      lastReported = '';
      if (round.sent > 0) {
        const { sent } = round;
        msgStatus(this).set(() => ({
          fill: 'green',
          shape: 'dot',
          text: RED._('telegram-notify.status.reminded', { count: sent, time: new Date().toLocaleTimeString() }),
        }));
      }
    };

    const timer = setInterval(() => {
      if (running) return; // a slow round (Telegram retries) is never doubled
      running = true;
      remind()
        .catch((err: Error) => {
          if (!closed) report(RED._('telegram-notify.errors.remindersFailed', { error: err.message }));
        })
        .finally(() => (running = false));
    }, checkSeconds * 1000);
    timer.unref();

    this.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      clearInterval(timer);
      done();
    });
  }

  RED.nodes.registerType('telegram-notify', TelegramNotify);
};
