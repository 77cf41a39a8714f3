import { z } from "zod";

// The bodies of the class routes (app/api/instructor/classes, app/api/classes/join).

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2027-01-31")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "not a real date");

export const newClassSchema = z
  .object({
    name: z.string().trim().min(1, "give the class a name").max(120, "at most 120 characters"),
    startsOn: isoDate.nullable().default(null),
    endsOn: isoDate.nullable().default(null),
    tracks: z
      .array(z.string().min(1).max(100))
      .min(1, "choose at least one track")
      .max(50)
      .transform((tracks) => [...new Set(tracks)]),
  })
  .refine((c) => !c.startsOn || !c.endsOn || c.startsOn <= c.endsOn, {
    message: "the end date is before the start date",
    path: ["endsOn"],
  });

export const classIdSchema = z.object({ classId: z.string().min(1).max(100) });

/** Join codes are base64url of 16 random bytes; anything else cannot be one. */
export const joinCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "not a join code");

export const joinSchema = z.object({ code: joinCodeSchema });
