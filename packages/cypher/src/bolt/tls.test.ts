import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { startBoltServer } from "./server";

function selfSignedCertificate(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "bolt-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(join(dir, "cert.pem")), key: readFileSync(join(dir, "key.pem")) };
}

describe("Bolt over TLS", () => {
  it("serves bolt+ssc:// and neo4j+ssc:// clients, and refuses plain ones", async () => {
    const server = await startBoltServer({
      port: 0,
      user: "neo4j",
      password: "pw",
      tls: selfSignedCertificate(),
    });
    try {
      for (const scheme of ["bolt+ssc", "neo4j+ssc"]) {
        const driver = neo4j.driver(
          `${scheme}://localhost:${server.port}`,
          neo4j.auth.basic("neo4j", "pw"),
        );
        const { records } = await driver.executeQuery("RETURN 'secret' AS s");
        expect(records[0]!.get("s")).toBe("secret");
        await driver.close();
      }
      const plain = neo4j.driver(
        `bolt://localhost:${server.port}`,
        neo4j.auth.basic("neo4j", "pw"),
        { connectionTimeout: 3000 },
      );
      await expect(plain.getServerInfo()).rejects.toBeTruthy();
      await plain.close();
    } finally {
      await server.close();
    }
  }, 30_000);
});
