import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { readMailEnv } from "./env";

// The one way the server sends mail: nodemailer to SMTP_URL. One transport per SMTP_URL value,
// created on first use (a process that never sends mail never opens a connection).

type MailMessage = { to: string; subject: string; text: string };

let cached: { url: string; transport: Transporter } | null = null;

function transportFor(url: string): Transporter {
  if (cached?.url !== url) {
    cached?.transport.close();
    cached = {
      url,
      transport: nodemailer.createTransport({
        url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    };
  }
  return cached.transport;
}

/** Whether mail can be sent at all (SMTP_URL is set). */
export function mailConfigured(): boolean {
  return readMailEnv().smtpUrl !== undefined;
}

/** Sends `message` through SMTP_URL; rejects when it is unset or the server refuses. */
export async function sendMail(message: MailMessage): Promise<void> {
  const env = readMailEnv();
  if (!env.smtpUrl) throw new Error("SMTP_URL is not set; mail cannot be sent.");
  await transportFor(env.smtpUrl).sendMail({ from: env.from, ...message });
}
