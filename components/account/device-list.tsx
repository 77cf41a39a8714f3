"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "./send-json";
import formStyles from "@/components/auth/auth-form.module.css";
import styles from "./account.module.css";

type DeviceRow = { id: string; name: string; lastSeen: string; current: boolean };

/** The learner's signed-in devices, each but this one with "Sign out there". */
export function DeviceList({ devices }: { devices: DeviceRow[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function signOutThere(sessionId: string) {
    setBusy(sessionId);
    setError(null);
    const result = await sendJson("DELETE", "/api/account/sessions", { sessionId });
    setBusy(null);
    if (!result.ok) return setError(result.message);
    router.refresh();
  }

  return (
    <>
      <ul className={styles.devices} aria-label="Signed-in devices">
        {devices.map((device) => (
          <li key={device.id} className={styles.device}>
            <span>
              {device.name}
              <small>Last seen {device.lastSeen}</small>
            </span>
            {device.current ? (
              <span className={styles.current}>This device</span>
            ) : (
              <button
                type="button"
                className="button"
                onClick={() => signOutThere(device.id)}
                disabled={busy !== null}
                aria-label={`Sign out there: ${device.name}, last seen ${device.lastSeen}`}
              >
                {busy === device.id ? "Signing out…" : "Sign out there"}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className={formStyles.error}>
          {error}
        </p>
      )}
    </>
  );
}
