// The core logs through this, so that inside Node-RED its lines go to Node-RED's log.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[line-live-chat] ${m}`),
  warn: (m) => console.warn(`[line-live-chat] ${m}`),
  error: (m) => console.error(`[line-live-chat] ${m}`),
};
