import net from "node:net";

// A TCP proxy in front of Postgres for fault tests: cut every connection (and refuse new ones)
// to simulate an outage, or cut a connection exactly when the client sends a given SQL
// statement, before or after forwarding it.

export type TcpProxy = {
  port: number;
  url(base: string): string;
  cut(): void;
  restore(): void;
  /** Next time a client sends `marker`, drop that connection ("before": the server never sees it). */
  cutOnce(marker: string, when: "before" | "after"): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let down = false;
  let trap: { marker: Buffer; when: "before" | "after"; fired: () => void } | null = null;

  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    let muted = false;
    client.on("data", (chunk) => {
      const armed = trap;
      if (armed && chunk.includes(armed.marker)) {
        trap = null;
        if (armed.when === "after") {
          // The server gets the statement and commits; its answer never reaches the app.
          muted = true;
          upstream.write(chunk, () => setTimeout(drop, 200));
        } else {
          drop();
        }
        armed.fired();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!muted) client.write(chunk);
    });
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  const port = address.port;

  const cut = () => {
    down = true;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port,
    url(base) {
      const url = new URL(base);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    cut,
    restore() {
      down = false;
    },
    cutOnce(marker, when) {
      return new Promise((resolve) => {
        trap = { marker: Buffer.from(marker), when, fired: resolve };
      });
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
