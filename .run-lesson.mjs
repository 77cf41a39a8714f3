import { chromium } from "@playwright/test";
const [,, url, out, ...cellIds] = process.argv;
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run","--disable-quic"] });
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
p.on("pageerror", (e) => errors.push(String(e)));
await p.goto(url, { waitUntil: "networkidle" });
for (const id of cellIds) {
  const cell = p.locator(`[data-cell-id="${id}"]`);
  await cell.scrollIntoViewIfNeeded();
  await cell.getByRole("button", { name: /^Run / }).click();
  try { await cell.locator('[data-status="done"], [data-status="error"]').waitFor({ timeout: 90000 }); } catch (e) { console.log("timeout", id); }
  console.log(id, await cell.locator("[data-status]").getAttribute("data-status"), (await cell.locator('[data-testid="cell-output"]').innerText().catch(() => "")).slice(0, 300).replace(/\n/g, " | "));
}
await p.screenshot({ path: out, fullPage: true });
console.log(JSON.stringify({ errors }));
await b.close();
