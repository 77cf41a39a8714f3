import { z } from "zod";

// Mail environment: where outgoing mail (password-reset links) goes. Unset SMTP_URL is the
// embedded default: nothing is sent and the link is written to the server log instead.
const mailEnvSchema = z.object({
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\/[^/\s]+/,
      "SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465",
    )
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).default("Courses <no-reply@localhost>"),
});

type MailEnv = { smtpUrl: string | undefined; from: string };

/** Parsed mail environment (blank values count as unset); throws a message naming the variable. */
export function readMailEnv(env: Record<string, string | undefined> = process.env): MailEnv {
  const parsed = mailEnvSchema.safeParse({
    SMTP_URL: env.SMTP_URL || undefined,
    MAIL_FROM: env.MAIL_FROM || undefined,
  });
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`Invalid mail configuration: ${detail}`);
  }
  return { smtpUrl: parsed.data.SMTP_URL, from: parsed.data.MAIL_FROM };
}
