// One re-armable timer that keeps time in a Web Worker (src/web/worker_timer.rs uses it).
// Browsers throttle timers in hidden tabs (to once a minute after a while), which would let a
// keep-alive shorter than that lapse and the broker drop the connection; timers inside a
// dedicated worker are not throttled that way. The worker is made from a Blob, so nothing extra
// is served. Where workers are unavailable, or a policy forbids blob: workers (which some
// browsers report by throwing, others by an error event later), the page's timer is used.

/** The worker's whole program: one pending timeout, replaced by each message (a negative delay cancels it). */
const WORKER_SOURCE = 'let t;onmessage=e=>{clearTimeout(t);if(e.data>=0)t=setTimeout(()=>postMessage(0),e.data)};';

export class WorkerTimer {
  #callback;
  #worker = null;
  #pending;
  /** When the worker is due to fire (performance.now() time), to hand over if it fails. */
  #due;

  /** A timer that calls `callback` when it fires. */
  constructor(callback) {
    this.#callback = callback;
    try {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      try {
        this.#worker = new Worker(url);
      } finally {
        URL.revokeObjectURL(url);
      }
      this.#worker.onmessage = () => {
        this.#due = undefined;
        this.#callback();
      };
      this.#worker.onerror = () => this.#fallBack();
    } catch {
      this.#worker = null;
    }
  }

  /** Whether the worker keeps the time (false: the page's timer). */
  get inWorker() {
    return this.#worker !== null;
  }

  /** Fires once after `ms`, replacing any earlier setting. */
  set(ms) {
    if (this.#worker) {
      this.#due = performance.now() + ms;
      this.#worker.postMessage(ms);
    } else {
      clearTimeout(this.#pending);
      this.#pending = setTimeout(() => this.#callback(), ms);
    }
  }

  /** Stops the pending firing, if any. */
  cancel() {
    this.#due = undefined;
    if (this.#worker) this.#worker.postMessage(-1);
    else clearTimeout(this.#pending);
  }

  /** Cancels and ends the worker; the timer does nothing after this. */
  stop() {
    this.cancel();
    this.#worker?.terminate();
    this.#worker = null;
    this.#callback = () => {};
  }

  /** The worker failed after it was made: the page's timer takes over what it was timing. */
  #fallBack() {
    this.#worker?.terminate();
    this.#worker = null;
    if (this.#due !== undefined) this.set(Math.max(0, this.#due - performance.now()));
  }
}
