// A forced, full garbage collection in another Node process, through its inspector (started with
// --inspect=127.0.0.1:0). The server has no GC endpoint and the bench must not add one; the inspector's
// HeapProfiler.collectGarbage is the same full GC as global.gc(), so heapUsed read right after it is the
// live heap, not live heap plus whatever garbage the collector has not got round to yet.
import { WebSocket } from "undici";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
    });
  }

  static async open(url: string, timeoutMs = 5000): Promise<InspectorSession> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector ${url} did not open`)), timeoutMs);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`inspector ${url} refused the connection`));
      });
    });
    return new InspectorSession(socket);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector ${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send<{ result: { value: T } }>("Runtime.evaluate", { expression, returnByValue: true });
    return result.result.value;
  }

  async collectGarbage(): Promise<void> {
    await this.send("HeapProfiler.collectGarbage");
  }

  close(): void {
    this.socket.close();
  }
}

/** Every "Debugger listening on ws://…" URL in a process's output. */
export function inspectorUrls(output: string): string[] {
  return [...output.matchAll(/Debugger listening on (ws:\/\/[^\s]+)/g)].map((match) => match[1]);
}

/** The inspector among `urls` whose process has the given pid (tsx starts a parent and the real child). */
export async function findInspectorOf(urls: string[], pid: number): Promise<string | undefined> {
  for (const url of urls) {
    try {
      const session = await InspectorSession.open(url, 2000);
      try {
        if ((await session.evaluate<number>("process.pid")) === pid) return url;
      } finally {
        session.close();
      }
    } catch {
      // Not ours, or gone.
    }
  }
  return undefined;
}
