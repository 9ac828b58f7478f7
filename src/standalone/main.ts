// `npm start`: Node-RED with this package's nodes and the shipped flow, on the embedded database
// unless DATABASE_URL names a server. Every setting comes from the environment (README).
import './compile-cache';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { readEnvironment } from '../config/environment';
import { resolveBootstrapAdmin } from '../auth/bootstrap-admin';
import { consoleLogger } from '../logger';
import { parseTrustProxy } from '../http/trusted-proxy';
import { mountHttp, servedBases } from '../../nodes/session-store/http-mount';
import { nodeRedSettings } from './node-red-settings';
import { EditorDoor } from './editor-door';
import { drainRunningStores } from '../../nodes/shared/shutdown-drain';
import { expectWebhookPath } from '../../nodes/shared/webhook-paths';
import { collectStartGarbageSoon } from './start-garbage';
import { migrateWhileNodesLoad } from './early-migrations';

const packageRoot = path.join(__dirname, '..', '..', '..');
const packageName: string = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).name;
const DEFAULT_FLOW = path.join(packageRoot, 'flows', 'live-chat-handoff.json');
/** The shipped flow's LINE webhook. */
const DEFAULT_WEBHOOK_PATH = '/line/webhook';
/** The shipped flow's session-store serves the inbox at the root (its default base path). */
const ROOT_BASE = '';

/** Node-RED finds modules in its user directory; this package is linked there like `npm install <dir>` would. */
function linkPackageInto(dataDir: string): void {
  const modules = path.join(dataDir, 'node_modules');
  const link = path.join(modules, packageName);
  fs.mkdirSync(modules, { recursive: true });
  try {
    if (fs.realpathSync(link) === fs.realpathSync(packageRoot)) return;
    fs.rmSync(link, { recursive: true, force: true });
  } catch {
    // no link yet
  }
  fs.symlinkSync(packageRoot, link, 'dir');
}

/** The shipped flow is deployed on the first start only; later edits in the editor are kept. */
function installDefaultFlow(dataDir: string): boolean {
  const flowFile = path.join(dataDir, 'flows.json');
  if (fs.existsSync(flowFile)) return false;
  fs.copyFileSync(DEFAULT_FLOW, flowFile);
  return true;
}

async function main(): Promise<void> {
  const env = readEnvironment();
  // The embedded database's WebAssembly compiles on background threads while Node-RED loads.
  if (!env.databaseUrl) void import('../db/embedded-postgres').then((embedded) => embedded.prepareEmbeddedPostgres());
  else void migrateWhileNodesLoad(env.databaseUrl, consoleLogger);
  fs.mkdirSync(env.dataDir, { recursive: true });
  linkPackageInto(env.dataDir);
  if (installDefaultFlow(env.dataDir)) consoleLogger.info(`installed the default flow into ${env.dataDir}`);

  const bootstrapAdmin = resolveBootstrapAdmin({ username: env.adminUsername, password: env.adminPassword, dataDir: env.dataDir, log: consoleLogger });
  const editorDoor = new EditorDoor({
    bootstrapAdmin,
    trust: parseTrustProxy(env.trustProxy),
    // the store serving the root once its database is open; none yet (or still waiting for its
    // database) leaves the bootstrap login
    liveChat: async () =>
      servedBases
        .holder(ROOT_BASE)
        ?.ready()
        .catch(() => undefined),
  });
  const settings = nodeRedSettings(env, { editorDoor });

  const RED = require('node-red');
  const app = express();
  const server = http.createServer(app);
  app.disable('x-powered-by');
  app.get('/', (_req, res) => res.redirect('/admin/live-chat'));
  RED.init(server, settings);
  editorDoor.watchComms(server, `${settings.httpAdminRoot}/comms`);
  app.use(settings.httpAdminRoot, editorDoor.router());
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, RED.httpNode);
  // Mounted now, so that until the flow's store is up the API answers 503 rather than 404.
  mountHttp(RED);
  servedBases.expect(ROOT_BASE);
  // LINE, during a restart, gets 503 (and delivers again) rather than 404 until the flow is up.
  expectWebhookPath(RED, DEFAULT_WEBHOOK_PATH);
  const flowsStarted = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, () => resolve());
  });
  await RED.start();
  await flowsStarted;
  // "ready" means the database is open and the API answers, or the store has said why not (it
  // keeps trying its database meanwhile: readyz tells when it is up).
  await servedBases
    .holder(ROOT_BASE)
    ?.ready()
    .catch(() => undefined);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.port;
  consoleLogger.info(`ready on http://localhost:${port}: inbox /admin/live-chat, editor /red, LINE webhook /line/webhook`);
  collectStartGarbageSoon();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLogger.info(`${signal}: stopping`);
    try {
      // Drained while the flow still runs: new webhooks are answered 503 (LINE delivers them
      // again), and the work of those acknowledged gets SHUTDOWN_DRAIN_SECONDS to finish; what is
      // left, the recovery pass finishes after the restart. Node-RED's own stop comes after.
      await drainRunningStores();
      await RED.stop();
    } finally {
      editorDoor.close();
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  consoleLogger.error(`could not start: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
