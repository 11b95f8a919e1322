// Cancels one upstream request when the client goes away. undici accepts any EventEmitter with an
// `aborted` flag as a signal; this is much cheaper per request than an AbortController.
import { EventEmitter } from 'node:events';

export class Cancel extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
