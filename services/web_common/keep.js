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

// A network failure: the items stay queued. Anything else the send function throws is the
// server's refusal: the items leave the queue and the refusal is reported.
export class Unreachable extends Error {}

// Items of one `kind`, oldest first; `send(bodies)` delivers up to `batch` of them at once.
export class Outbox {
  constructor(kind, send, { batch = 1, onChange = () => {}, onRefused = () => {} } = {}) {
    Object.assign(this, { kind, send, batch, onChange, onRefused });
    this.flushing = null;
    window.addEventListener("online", () => this.flush());
  }

  async items() {
    const every = await run(OUTBOX, "readonly", (s) => s.getAll());
    return every.filter((item) => item.kind === this.kind).sort((a, b) => a.queuedAt - b.queuedAt);
  }

  // Queues an item under its key (a newer item of the same key replaces the older), then sends.
  async add(key, body) {
    const item = { key: `${this.kind}:${key}`, kind: this.kind, body, queuedAt: Date.now() };
    await run(OUTBOX, "readwrite", (s) => s.put(item));
    await this.onChange(await this.items());
    return this.flush();
  }

  // Sends what is queued; stops when the gateway cannot be reached. Resolves to the number
  // of items still queued.
  flush() {
    this.flushing ??= this.sendAll().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async sendAll() {
    let queued = await this.items();
    while (queued.length) {
      const sent = queued.slice(0, this.batch);
      try {
        await this.send(sent.map((item) => item.body));
      } catch (error) {
        if (error instanceof Unreachable) break;
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
    }
    await this.onChange(queued);
    return queued.length;
  }
}
