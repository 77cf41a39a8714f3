import { z } from "zod";

/** What `/api/content-build` answers: each lesson file's hash when the site was built. */
export const builtContentSchema = z.object({ files: z.record(z.string(), z.string()) });
export type BuiltContent = z.infer<typeof builtContentSchema>;

/**
 * How the file on disk (its hash, or null when it is gone) compares with the built site that
 * learners are served: the same, changed since the build, or not in the build at all.
 */
export function builtVersionStatus(
  built: BuiltContent,
  file: string,
  hashOnDisk: string | null,
): "same" | "changed" | "not-built" {
  const builtHash = built.files[file];
  if (builtHash === undefined) return "not-built";
  return builtHash === hashOnDisk ? "same" : "changed";
}
