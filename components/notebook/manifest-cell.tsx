import type { ManifestView } from "@/lib/content/manifest-blocks";
import cellStyles from "./cell.module.css";
import styles from "./manifest-cell.module.css";

/**
 * A project's Cargo.toml as the sandbox builds it: the same frame as a cell, highlighted on the
 * server, neither editable nor runnable (a server component: it ships no JavaScript).
 */
export function ManifestCell({
  manifest,
  highlightedHtml,
}: {
  manifest: ManifestView;
  highlightedHtml: string;
}) {
  const label =
    manifest.project === null
      ? "Cargo.toml of the Rust cells (read-only)"
      : `Cargo.toml of project ${manifest.project} (read-only)`;
  return (
    <section
      className={`${cellStyles.cell} ${styles.manifest}`}
      aria-label={label}
      data-manifest={manifest.project ?? ""}
      id={`manifest-${manifest.key}`}
    >
      <div className={cellStyles.header}>
        <span className={`${cellStyles.badge} ${styles.badge}`}>TOML</span>
        <code className={styles.path}>Cargo.toml</code>
        <span className={styles.readOnly}>read-only</span>
      </div>
      <p className={styles.note}>{manifest.note}</p>
      <div
        className={styles.code}
        tabIndex={0}
        role="region"
        aria-label={`${label}, code`}
        dangerouslySetInnerHTML={{ __html: highlightedHtml }}
      />
    </section>
  );
}
