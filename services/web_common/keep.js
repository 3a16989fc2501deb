// What a page must not lose, kept in this browser (IndexedDB): drafts by key, and an outbox
// of submissions sent in order when the gateway can be reached, each with the key that makes
// sending it twice count once. Shared by the console and the citizens' survey.

const DATABASE = "smartcity";
const DRAFTS = "drafts";
const OUTBOX = "outbox";

let opened = null;

function database() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(DRAFTS);
      request.result.createObjectStore(OUTBOX, { keyPath: "key" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run(store, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const request = work(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(request?.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export const drafts = {
  get: (key) => run(DRAFTS, "readonly", (s) => s.get(key)),
  put: (key, value) => run(DRAFTS, "readwrite", (s) => s.put(value, key)),
  remove: (key) => run(DRAFTS, "readwrite", (s) => s.delete(key)),
};

// What the send function throws when the items could not be delivered this time (no
// network, or a gateway or service too busy or down): they stay queued. Anything else it
// throws is the service's refusal: the items leave the queue and the refusal is reported.
export class Unreachable extends Error {}

// The error codes of a refusal that sending again would not change: the request itself is
// wrong or not the caller's to make. Any other error (BUSY, a subgraph's timeout, an
// internal error) passes, so what was refused with it is sent again later.
const REFUSALS = new Set([
  "BAD_USER_INPUT",
  "FORBIDDEN",
  "UNAUTHENTICATED",
  "NOT_FOUND",
  "CONFLICT",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
]);

export function isRefusal(code) {
  return REFUSALS.has(code);
}

// Items of one `kind`, oldest first; `send(bodies)` delivers up to `batch` of them at once.
export class Outbox {
  constructor(kind, send, { batch = 1, onChange = () => {}, onRefused = () => {} } = {}) {
    Object.assign(this, { kind, send, batch, onChange, onRefused });
    this.told = Promise.resolve(); // the queue's changes are told one after another
    this.flushing = null; // the round of sending under way
    this.again = false; // asked to send while a round was under way
    this.unreachable = false; // the last round stopped at the gateway's door
    window.addEventListener("online", () => this.flush());
  }

  async items() {
    const every = await run(OUTBOX, "readonly", (s) => s.getAll());
    return every.filter((item) => item.kind === this.kind).sort((a, b) => a.queuedAt - b.queuedAt);
  }

  // Queues an item under its key (a newer item of the same key replaces the older), then sends.
  async add(key, body) {
    // a stamp finer than a millisecond: a newer item of the same key is told from the older
    const queuedAt = performance.timeOrigin + performance.now();
    const item = { key: `${this.kind}:${key}`, kind: this.kind, body, queuedAt };
    await run(OUTBOX, "readwrite", (s) => s.put(item));
    await this.changed();
    return this.flush();
  }

  // Sends what is queued; stops when the gateway cannot be reached. Resolves to the number
  // of items still queued. Asked again while sending, it goes round once more, so an item
  // queued meanwhile is never left behind.
  flush() {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.again = false;
    this.flushing = this.sendAll().then(
      async (left) => {
        this.flushing = null;
        if (this.again && !this.unreachable) return this.flush();
        await this.changed();
        return left;
      },
      (error) => {
        this.flushing = null;
        throw error;
      },
    );
    return this.flushing;
  }

  async sendAll() {
    this.unreachable = false;
    let queued = await this.items();
    while (queued.length) {
      const sent = queued.slice(0, this.batch);
      try {
        await this.send(sent.map((item) => item.body));
      } catch (error) {
        if (error instanceof Unreachable) {
          this.unreachable = true;
          break;
        }
        await this.onRefused(
          sent.map((item) => item.body),
          error,
        );
      }
      await run(OUTBOX, "readwrite", (s) => {
        // an item queued again while it was being sent stays, to be sent as it is now
        for (const item of sent) {
          const stored = s.get(item.key);
          stored.onsuccess = () => {
            if (stored.result?.queuedAt === item.queuedAt) s.delete(item.key);
          };
        }
      });
      queued = await this.items();
      await this.changed();
    }
    return queued.length;
  }

  // Tells `onChange` what is queued now. Told one after another, each read after the one
  // before was told, so an older read never arrives after a newer one (a page would show a
  // queue emptied while a score waits).
  changed() {
    this.told = this.told.then(async () => this.onChange(await this.items())).catch(() => {});
    return this.told;
  }
}
