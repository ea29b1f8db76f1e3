// What a user's program does with Modal's JS SDK: a client with no credentials in code, and one
// call. Prints, as one JSON line, what the SDK resolved (never the secret: only whether it has
// one) and how the call ended. Run by tests/integration/js_sdk.rs with the environment and the
// working directory of each case.
import { ModalClient } from "modal";

const out = {};
let client;
try {
  client = new ModalClient();
  const p = client.profile;
  out.resolved = {
    serverUrl: p.serverUrl ?? null,
    tokenId: p.tokenId ?? null,
    hasSecret: Boolean(p.tokenSecret),
    environment: p.environment ?? null,
  };
} catch (e) {
  out.constructorError = String(e?.message ?? e).split("\n")[0];
}
if (client) {
  try {
    await client.apps.fromName("modal-setup-judge");
    out.call = "ok";
  } catch (e) {
    out.call = String(e?.message ?? e).split("\n")[0];
  }
  client.close();
}
console.log(JSON.stringify(out));
