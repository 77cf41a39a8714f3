import { z } from "zod";

const TRACK_LEVELS = [
  "beginner",
  "intermediate",
  "advanced",
  "beginner to intermediate",
  "beginner to advanced",
  "intermediate to advanced",
] as const;
export type TrackLevel = (typeof TRACK_LEVELS)[number];

/** `content/<track>/track.yaml` */
export const trackFileSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  /** Who the track is for, shown on the catalogue; a range says where it starts and ends. */
  level: z.enum(TRACK_LEVELS),
  /** What a learner should know before starting, one short phrase each; [] for none. */
  prerequisites: z.array(z.string().min(1).max(200)).max(8),
  /** Chapters in order: the folder name (e.g. `01-tensors`) and its title. */
  chapters: z
    .array(z.strictObject({ dir: z.string().regex(/^\d{2}-[a-z0-9-]+$/), title: z.string().min(1) }))
    .min(1),
});

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
