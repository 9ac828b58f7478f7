// The session-store config node: owns the product's database and core (LiveChat), and serves the
// inbox, its REST API and socket.io under httpNodeRoot + its base path. Every other node points
// at one. Its settings are its own values (${ENV} allowed), else the README's environment variables.
import path from 'node:path';
import { type Environment, readEnvironment } from '../../src/config/environment';
import { listeningUrl } from '../../src/config/public-url';
import { StoreConfigError, type StoreSettings } from '../../src/config/store-config';
import { resolveBootstrapAdmin } from '../../src/auth/bootstrap-admin';
import { resolveEncryptionKey } from '../../src/credentials/encryption-key';
import { LiveChatStartup, type StartupState } from '../../src/live-chat-startup';
import type { Logger } from '../../src/logger';
import { type ConfigMigrations, upgradeConfig } from '../shared/config-version';
import type { Node, NodeAPI, NodeStatus } from '../shared/node-red';
import type { SessionStoreNode } from '../shared/session-store';
import { drainBeforeSignals, runningStore } from '../shared/shutdown-drain';
import { pagesShadowedByEditor } from './admin-collision';
import { attachRealtime, httpNodeRoot, mountHttp, servedBases } from './http-mount';
import { listeningAddress, type SessionStoreConfig, type SessionStoreCredentials, storeSettings } from './store-values';

const SESSION_STORE_CONFIG_VERSION = 2;
/** v1 (name, dataDir, serveHttp; databaseUrl and encryptionKey) gains v2's values, all unset: today's paths and behaviour. */
const CONFIG_MIGRATIONS: ConfigMigrations = {
  1: (config) => ({ basePath: '/', publicUrl: '', sweepInterval: '', telegramChatId: '', ...config }),
};

export = function register(RED: NodeAPI) {
  function SessionStore(this: Node<SessionStoreCredentials>, saved: SessionStoreConfig) {
    RED.nodes.createNode(this, saved);
    // The core is hung on the node for the nodes that point at this store (findSessionStore).
    const node = this as SessionStoreNode & Node<SessionStoreCredentials>;
    const t = (key: string, params?: Record<string, string | number>) => RED._(`session-store.${key}`, params);
    const log: Logger = {
      info: (m) => node.log(m),
      warn: (m) => node.warn(m),
      error: (m) => node.error(m),
    };

    let config: SessionStoreConfig;
    let env: Environment;
    let settings: StoreSettings;
    try {
      config = upgradeConfig<SessionStoreConfig>(saved, SESSION_STORE_CONFIG_VERSION, CONFIG_MIGRATIONS);
      env = readEnvironment();
      settings = storeSettings(RED, node, config, env);
    } catch (err) {
      // Nothing starts: a store half-configured could write to the wrong database or serve the wrong path.
      const problem = configProblem(err);
      node.status({ fill: 'red', shape: 'ring', text: problem.status });
      node.error(problem.message);
      node.liveChat = Promise.reject(new Error(problem.message, { cause: err }));
      node.liveChat.catch(() => undefined);
      node.ready = () => node.liveChat;
      return;
    }

    const nodeRoot = httpNodeRoot(RED);
    const publicUrl = () => listeningUrl(listeningAddress(RED, (nodeRoot ?? '') + settings.basePath));
    // The status the store shows once its database is open (set below by what it serves).
    let runningStatus: NodeStatus = { fill: 'green', shape: 'dot', text: t('status.database-only') };
    const showState = (state: StartupState) => {
      if (state.state === 'waiting') {
        node.status({ fill: 'yellow', shape: 'ring', text: t('status.waiting-database', { attempts: state.attempts }) });
      } else if (state.state === 'ready') {
        node.status(runningStatus);
      }
    };
    // The database is tried again and again until it answers (PostgreSQL down, not created yet).
    const startup = new LiveChatStartup(
      {
        database: settings.databaseUrl ? { url: settings.databaseUrl } : { embeddedDir: path.join(settings.dataDir, 'live-chat-db') },
        encryptionKey: resolveEncryptionKey({ configured: settings.encryptionKey, dataDir: settings.dataDir, log }),
        environmentCredentials: settings.credentials,
        adminUrl: settings.publicUrl ?? publicUrl,
        bootstrapAdmin: resolveBootstrapAdmin({ username: env.adminUsername, password: env.adminPassword, dataDir: settings.dataDir, log }),
        lineApiBaseUrl: env.lineApiBaseUrl,
        lineDataApiBaseUrl: env.lineDataApiBaseUrl,
        telegramApiRoot: env.telegramApiRoot,
        lineDeadlines: settings.lineDeadlines,
        telegramDeadlines: settings.telegramDeadlines,
        sweepIntervalMs: settings.sweepIntervalMs,
        trustProxy: settings.trustProxy,
        webhookInbox: { flowLeaseMs: env.webhookFlowLeaseMs, drainMs: env.shutdownDrainMs },
        log,
      },
      showState,
    );
    node.liveChat = startup.liveChat;
    node.ready = () => startup.forRequest();
    // A SIGTERM drains its webhook's work before Node-RED stops the flows (shutdown-drain).
    const stopDraining = runningStore(startup.liveChat);
    drainBeforeSignals(env.shutdownDrainMs, log);
    const setRunningStatus = (status: NodeStatus) => {
      runningStatus = status;
      if (startup.state.state !== 'waiting') node.status(status);
    };

    let serving = false;
    if (config.serveHttp === false) {
      setRunningStatus({ fill: 'green', shape: 'dot', text: t('status.database-only') });
    } else if (nodeRoot === null) {
      setRunningStatus({ fill: 'yellow', shape: 'ring', text: t('status.http-off') });
      node.warn(t('warnings.http-off'));
    } else {
      serving = true;
      serve(nodeRoot, settings.basePath);
    }

    node.on('close', (removed: boolean, done: () => void) => {
      if (serving) servedBases.release(settings.basePath, node, removed);
      stopDraining();
      // Stops the retries of a database that never came, or closes the core that runs.
      startup
        .close()
        .catch((err: Error) => node.error(t('errors.close', { message: err.message })))
        .finally(done);
    });

    function serve(root: string, base: string): void {
      const where = root + base || '/';
      const started = () => {
        const sockets = attachRealtime(RED, root, base);
        // Linked to the other instances from the start, not from its first operator's connection.
        if (sockets) startup.liveChat.then((liveChat) => sockets.serve(liveChat), nothing);
        const shadowed = pagesShadowedByEditor(RED.settings.httpAdminRoot, root + base);
        if (shadowed.length === 0) {
          setRunningStatus({ fill: 'green', shape: 'dot', text: t('status.serving', { path: where }) });
          return;
        }
        setRunningStatus({ fill: 'yellow', shape: 'ring', text: t('status.shadowed', { paths: shadowed.join(', ') }) });
        node.warn(
          t('warnings.editor-shadows', {
            adminRoot: String(RED.settings.httpAdminRoot),
            paths: shadowed.join(', '),
            example: `${root}/live-chat/admin/live-chat`,
          }),
        );
      };
      mountHttp(RED);
      const holder = servedBases.claim(base, node, started);
      if (!holder) {
        started();
        return;
      }
      setRunningStatus({ fill: 'red', shape: 'ring', text: t('status.base-taken', { path: where }) });
      node.error(t('errors.base-taken', { path: where, other: holder.name || holder.id, otherId: holder.id }));
    }

    function configProblem(err: unknown): { status: string; message: string } {
      if (err instanceof StoreConfigError) {
        return {
          status: t('status.invalid', { field: t(`label.${err.field}`) }),
          message: t(`errors.${err.kind}-${err.field}`, { value: err.value }),
        };
      }
      return { status: t('status.invalid-config'), message: t('errors.config', { message: (err as Error).message }) };
    }
  }

  RED.nodes.registerType<Node<SessionStoreCredentials>, SessionStoreConfig, unknown, SessionStoreCredentials>('session-store', SessionStore, {
    credentials: {
      databaseUrl: { type: 'password' },
      encryptionKey: { type: 'password' },
      lineChannelSecret: { type: 'password' },
      lineChannelAccessToken: { type: 'password' },
      telegramBotToken: { type: 'password' },
    },
  });
};

function nothing(): void {}
