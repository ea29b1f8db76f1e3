// What Modal's JS SDK (0.11.1) makes of many cases, in one process: for each case (a JSON list
// on stdin: the variables of the run, its MODAL_CONFIG_PATH among them) the SDK's module is
// loaded afresh (it reads the config file once, when loaded) and `new ModalClient()` resolves
// the credentials and the server with the SDK's own code; no call is made. Prints a JSON list,
// one object a case. Secrets are printed (the test's own made-up values): the test compares them
// and never shows them.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const sdk = pathToFileURL(
  createRequire(import.meta.url).resolve("modal").replace(/index\.cjs$/, "index.js"),
).href;
const cases = JSON.parse(readFileSync(0, "utf8"));
const base = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("MODAL_")),
);
const seen = [];
for (const [n, c] of cases.entries()) {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, base, c.env);
  const { ModalClient } = await import(`${sdk}?case=${n}`);
  try {
    const client = new ModalClient();
    const p = client.profile;
    seen.push({
      refused: null,
      serverUrl: p.serverUrl ?? null,
      tokenId: p.tokenId ?? null,
      tokenSecret: p.tokenSecret ?? null,
      environment: p.environment ?? null,
      oauth: Boolean(p.oauthRefreshToken),
    });
    client.close();
  } catch (e) {
    seen.push({ refused: String(e?.message ?? e).split("\n")[0] });
  }
}
console.log(JSON.stringify(seen));
