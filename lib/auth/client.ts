"use client";

import { createAuthClient } from "better-auth/react";

// The browser side of better-auth (same origin: no base URL needed).
export const authClient = createAuthClient();
