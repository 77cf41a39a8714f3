import { SMTPServer } from "smtp-server";

// For tests only (unit and e2e): a real SMTP server in this process that keeps every message.

type ReceivedMail = { to: string[]; raw: string; text: string };

export type TestMailServer = {
  port: number;
  messages: ReceivedMail[];
  /** The next message to `to` (already received or arriving within `timeoutMs`). */
  nextMessageTo(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
};

/** The text body of a single-part message, with its transfer encoding undone. */
function mailText(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? "" : raw.slice(split + 4);
  if (/^content-transfer-encoding:\s*quoted-printable/im.test(head))
    return body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (/^content-transfer-encoding:\s*base64/im.test(head))
    return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return body;
}

export async function startTestMailServer(port = 0): Promise<TestMailServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const to = session.envelope.rcptTo.map((address) => address.address.toLowerCase());
        messages.push({ to, raw, text: mailText(raw) });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const seen = new Map<string, number>();

  return {
    port: boundPort,
    messages,
    nextMessageTo(to, timeoutMs = 10_000) {
      const recipient = to.toLowerCase();
      return new Promise((resolve, reject) => {
        const check = () => {
          const from = seen.get(recipient) ?? 0;
          const index = messages.findIndex((mail, i) => i >= from && mail.to.includes(recipient));
          if (index === -1) return false;
          seen.set(recipient, index + 1);
          resolve(messages[index]!);
          return true;
        };
        if (check()) return;
        const wake = () => {
          if (check()) done();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The token of the password-reset link in a mail's text. */
export function resetTokenIn(text: string): string {
  const token = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no reset link in the mail:\n${text}`);
  return token;
}
