import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" style={{ maxWidth: "40rem", margin: "4rem auto", padding: "0 1.25rem" }}>
      <h1>Page not found</h1>
      <p>
        There is no lesson or page at this address. It may have moved, or the link may be mistyped.
      </p>
      <p>
        <Link href="/">Back to the catalogue</Link>
      </p>
    </main>
  );
}
