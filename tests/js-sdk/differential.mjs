// What Modal's JS SDK (0.11.1) makes of many cases, in one process: for each case (a JSON list
// on stdin: the variables of the run, its MODAL_CONFIG_PATH among them) the SDK's module is
// loaded afresh (it reads the config file once, when loaded) and `new ModalClient()` resolves
// the credentials and the server with the SDK's own code; with a token, one call follows (to a
// loopback server, never Modal's). Prints a JSON list, one object a case. Secrets are printed (the test's own made-up values): the test compares them
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
const calls = [];
const clients = [];
for (const [n, c] of cases.entries()) {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, base, c.env);
  const { ModalClient } = await import(`${sdk}?case=${n}`);
  try {
    const client = new ModalClient();
    const p = client.profile;
    const one = {
      refused: null,
      serverUrl: p.serverUrl ?? null,
      tokenId: p.tokenId ?? null,
      tokenSecret: p.tokenSecret ?? null,
      environment: p.environment ?? null,
      oauth: Boolean(p.oauthRefreshToken),
    };
    // With a token, one call, as a user's program makes (not to Modal's own servers: nothing
    // leaves the machine): whether the SDK reaches the server it resolved. The calls of all
    // cases run at once (each client holds its own profile), and are awaited below.
    if (p.tokenId && p.tokenSecret && !String(p.serverUrl).includes("modal.com")) {
      calls.push(
        Promise.race([
          client.apps.fromName("modal-setup-judge").then(
            () => "ok",
            (e) => String(e?.message ?? e).split("\n")[0],
          ),
          new Promise((done) => setTimeout(() => done("no answer within 10 s"), 10000)),
        ]).then((call) => {
          one.call = call;
        }),
      );
    }
    seen.push(one);
    clients.push(client);
  } catch (e) {
    seen.push({ refused: String(e?.message ?? e).split("\n")[0] });
  }
}
await Promise.all(calls);
for (const client of clients) client.close();
console.log(JSON.stringify(seen));
