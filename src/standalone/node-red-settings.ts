// Node-RED's settings for the standalone product: editor under /red behind the admin login (the
// EditorDoor's adminAuth), node endpoints (webhook, inbox, API) from the root, everything kept in
// DATA_DIR.
import type { Environment } from '../config/environment';
import type { EditorDoor } from './editor-door';

export function nodeRedSettings(env: Environment, options: { editorDoor: EditorDoor }) {
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
    adminAuth: options.editorDoor.adminAuth(),
  };
}
