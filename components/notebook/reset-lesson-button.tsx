"use client";
import { useRef } from "react";
import styles from "./notebook-toolbar.module.css";

/** "Reset lesson…": asks first (a native modal dialog: focus kept inside, Esc cancels). */
export function ResetLessonButton({ onReset }: { onReset(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" className="button" onClick={() => dialog.current?.showModal()}>
        Reset lesson…
      </button>
      <dialog ref={dialog} className={styles.dialog} aria-labelledby="reset-lesson-title">
        <form
          method="dialog"
          onSubmit={(event) => {
            if ((event.nativeEvent as SubmitEvent).submitter?.getAttribute("value") === "reset")
              onReset();
          }}
        >
          <h2 id="reset-lesson-title">Reset this lesson?</h2>
          <p>
            Every cell goes back to the lesson&rsquo;s code. Your edits and passed exercises in this
            lesson are discarded, here and on your other devices, and the outputs kept in this
            browser are cleared.
          </p>
          <div className={styles.dialogActions}>
            <button type="submit" className="button" value="cancel" autoFocus>
              Cancel
            </button>
            <button type="submit" className={`button ${styles.danger}`} value="reset">
              Reset lesson
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
