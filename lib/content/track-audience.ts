import type { TrackLevel } from "./schema";

/** The catalogue's "who is this for" lines: the level capitalised, prerequisites as one line. */
export function trackAudience(track: { level: TrackLevel; prerequisites: string[] }): {
  level: string;
  prerequisites: string;
} {
  return {
    level: track.level.charAt(0).toUpperCase() + track.level.slice(1),
    prerequisites: track.prerequisites.length === 0 ? "none" : track.prerequisites.join("; "),
  };
}
