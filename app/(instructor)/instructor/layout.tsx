import type { ReactNode } from "react";

// Every page and route below checks the session itself (lib/auth/instructor.ts): a layout is not
// re-rendered on client navigation, so it cannot be the gate.
export default function InstructorLayout({ children }: { children: ReactNode }) {
  return children;
}
