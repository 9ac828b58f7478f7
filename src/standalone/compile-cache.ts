// Imported first by main.ts, before anything else is loaded: Node's on-disk cache of compiled
// JavaScript (Node 22.1+; NODE_COMPILE_CACHE or the system's temp folder), so that a restart does
// not compile Node-RED's, its nodes' and this package's modules again. It costs 12-17 MB of RSS
// (README, Memory), which both memory goals now have room for, and a restart needs the time.
// Node keys each entry by the file's content and its own version; older Node versions start as before.
import nodeModule from 'node:module';

(nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.();
