// Imported first by main.ts: Node keeps the compiled code of every module loaded after this on
// disk (in the OS temp folder), so that a restart compiles less (~10% of it, measured by
// bench/memory-start). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import module from 'node:module';

module.enableCompileCache?.();
