import { classifyDatabaseError } from "@/lib/db/errors";
import { errorResponse, unavailableResponse } from "./route";

/**
 * The answer for a database error behind a route (see lib/db/errors.ts): data the database can
 * never accept is a 422 that says so, so that a client does not send it again forever; an
 * unreachable database or a lost race is a 503 to retry; anything else is a bug (null: the
 * route's 500).
 */
export function databaseErrorResponse(error: unknown, unavailableMessage: string): Response | null {
  switch (classifyDatabaseError(error)) {
    case "invalid-data":
      return errorResponse(
        422,
        "The database refused a value in this request as invalid (for example text with a NUL character or an unpaired surrogate, or a number out of range); sending it again will not help.",
      );
    case "unavailable":
    case "conflict":
      return unavailableResponse(unavailableMessage);
    default:
      return null;
  }
}
