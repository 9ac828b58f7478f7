// The live feed (socket.io at <base>/admin/live-chat/socket.io, authenticated by the login cookie).
// Pages listen on `realtime` for 'message', 'conversation' and 'session' CustomEvents (unpacked
// from the server's `updates` batches); 'hello' comes on every (re)connect, and is the cue to
// re-fetch what may have been missed.
import { io, type Socket } from 'socket.io-client';
import { under } from './base';

export const realtime = new EventTarget();
let socket: Socket | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;

export function connectRealtime(): void {
  if (socket) return;
  socket = io({ path: under('/admin/live-chat/socket.io'), withCredentials: true });
  socket.on('hello', (detail: unknown) => realtime.dispatchEvent(new CustomEvent('hello', { detail })));
  // The server sends the updates of a short window together, in order: each is [name, payload].
  socket.on('updates', (batch: [string, unknown][]) => {
    for (const [name, detail] of batch) realtime.dispatchEvent(new CustomEvent(name, { detail }));
  });
  socket.on('connect', () => realtime.dispatchEvent(new CustomEvent('status', { detail: 'connected' })));
  socket.on('disconnect', () => realtime.dispatchEvent(new CustomEvent('status', { detail: 'disconnected' })));
  // socket.io stops retrying after a refusal (store redeploying, session ended): try again later.
  socket.on('connect_error', () => {
    realtime.dispatchEvent(new CustomEvent('status', { detail: 'disconnected' }));
    if (socket && !socket.active) {
      clearTimeout(retry);
      retry = setTimeout(() => socket?.connect(), 5000);
    }
  });
}

export function disconnectRealtime(): void {
  clearTimeout(retry);
  socket?.disconnect();
  socket = undefined;
}
