// Node-RED's settings for the standalone product: editor under /red behind the admin login,
// node endpoints (webhook, inbox, API) from the root, everything kept in DATA_DIR.
import crypto from 'node:crypto';
import type { Environment } from '../config/environment';
import type { OperatorView } from '../auth/operators';

/**
 * Checks an editor login against the operator accounts of the running store: the operator, or
 * null for wrong credentials, or undefined when no store is running.
 */
export type AdminCheck = (username: string, password: string) => Promise<OperatorView | null | undefined>;

export function nodeRedSettings(env: Environment, options: { bootstrapAdmin: { username: string; password: string }; checkAdmin: AdminCheck }) {
  const { bootstrapAdmin } = options;
  const sameText = (a: string, b: string) => {
    const x = crypto.createHash('sha256').update(a).digest();
    const y = crypto.createHash('sha256').update(b).digest();
    return crypto.timingSafeEqual(x, y);
  };
  return {
    userDir: env.dataDir,
    flowFile: 'flows.json',
    uiPort: env.port,
    httpAdminRoot: '/red',
    httpNodeRoot: '/',
    // the inbox shares this server; the editor's own static files stay under /red
    httpStatic: undefined,
    disableEditor: false,
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false }, tours: false },
    adminAuth: {
      type: 'credentials',
      users: async (username: string) => ({ username, permissions: '*' }),
      // Admin operators log in to the editor with their inbox password; before any store runs
      // (no flow deployed yet) the bootstrap admin's credentials open it.
      authenticate: async (username: string, password: string) => {
        const operator = await options.checkAdmin(username, password);
        if (operator !== undefined) {
          return operator?.role === 'admin' ? { username: operator.username, permissions: '*' } : null;
        }
        if (sameText(username, bootstrapAdmin.username) && sameText(password, bootstrapAdmin.password)) {
          return { username, permissions: '*' };
        }
        return null;
      },
    },
  };
}
