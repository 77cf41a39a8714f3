import { z } from "zod";

/** `content/<track>/track.yaml` */
export const trackFileSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  /** Chapters in order: the folder name (e.g. `01-tensors`) and its title. */
  chapters: z
    .array(z.strictObject({ dir: z.string().regex(/^\d{2}-[a-z0-9-]+$/), title: z.string().min(1) }))
    .min(1),
});
export type TrackFile = z.infer<typeof trackFileSchema>;

/** A lesson's front matter. */
export const frontMatterSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  minutes: z.number().int().positive().max(240),
  objectives: z.array(z.string().min(1)).optional(),
  /** Default Cypher dataset for every cypher cell (content/datasets/<name>.cypher). */
  dataset: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
});
export type FrontMatter = z.infer<typeof frontMatterSchema>;
