/**
 * Longest accepted values for the auth fields, enforced on the server (the form's maxLength is
 * only a courtesy): a 5 MB name was once stored. Lengths count UTF-16 code units, as the
 * browser's maxLength does. 254 is the longest deliverable e-mail address (RFC 5321 path limit).
 */
const AUTH_FIELD_LIMITS = {
  name: 100,
  email: 254,
  password: 128,
  newPassword: 128,
  currentPassword: 128,
} as const;

export type AuthField = keyof typeof AUTH_FIELD_LIMITS;

/** The first field of `values` that is too long, with a message a person understands, or null. */
export function tooLongField(
  values: Record<string, unknown>,
): { field: AuthField; message: string } | null {
  for (const field of Object.keys(AUTH_FIELD_LIMITS) as AuthField[]) {
    const value = values[field];
    const max = AUTH_FIELD_LIMITS[field];
    if (typeof value === "string" && value.length > max) {
      return {
        field,
        message: `${field} must be at most ${max} characters (got ${value.length}).`,
      };
    }
  }
  return null;
}
