// grammY, loaded the first time Telegram is used: 3 MB of heap that an instance without Telegram
// alerts never needs (bench/memory-start). Types come from the import type; values from here.
import type * as GrammyModule from 'grammy';

let loaded: typeof GrammyModule | undefined;

export function grammy(): typeof GrammyModule {
  loaded ??= require('grammy') as typeof GrammyModule;
  return loaded;
}
