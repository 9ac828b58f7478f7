// Imported first by main.ts, before anything else is loaded: with the embedded database, Node's
// on-disk cache of compiled JavaScript (Node 22.1+; NODE_COMPILE_CACHE or the system's temp
// folder), so that a restart does not compile Node-RED's, its nodes' and this package's modules
// again. It costs RSS (README, Memory), which the embedded mode has room for and its restart
// needs the time; on PostgreSQL (DATABASE_URL set) it stays off. Node keys each entry by
// the file's content and its own version; older Node versions start as before.
import nodeModule from 'node:module';

if (!process.env.DATABASE_URL?.trim()) (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.();
