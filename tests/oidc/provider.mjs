// A real OpenID provider on loopback for the single sign-on tests: the npm package
// oidc-provider (the certified Node.js implementation) with one confidential client.
//
//   node tests/oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI[,REDIRECT_URI...]
//
// Its development login page (devInteractions) takes any login name and any password: the
// login name is the account's email, verified; "unverified:someone@example.org" gives the same
// email with email_verified false. Consent is granted at once (a first-party app asks nothing).
// Its signing key is made at start, so no token it issues verifies against another run's.
// Prints "ready ISSUER" on a line of its own once it listens.
import { generateKeyPairSync, randomUUID } from "node:crypto";

import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirectUris] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUris) {
  console.error("usage: provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI[,REDIRECT_URI...]");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const UNVERIFIED = "unverified:";

// A signing key of this run's own: the package's quick-start keys are the same everywhere.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  // The app under test, another app of the same organisation (whose tokens it must refuse),
  // and the app under test as a provider that always says when it checked who signed in
  // (`auth_time` in every ID token, as Keycloak does; without it, only when asked by max_age).
  clients: [clientId, `${clientId}-other`, `${clientId}-auth-time`].map((id) => ({
    client_id: id,
    client_secret: clientSecret,
    redirect_uris: redirectUris.split(","),
    grant_types: ["authorization_code"],
    response_types: ["code"],
    require_auth_time: id.endsWith("-auth-time"),
  })),
  jwks: { keys: [signingKey] },
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  // Put the email in the ID token, as Entra ID, Google and Keycloak do (by default this
  // provider keeps it for the userinfo endpoint when an access token is issued too).
  conformIdTokenClaims: false,
  cookies: { keys: ["gemba-walk-test-provider-cookie-key"] },
  async findAccount(ctx, id) {
    const unverified = id.startsWith(UNVERIFIED);
    const email = unverified ? id.slice(UNVERIFIED.length) : id;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !unverified };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email");
    await grant.save();
    return grant;
  },
});

const server = provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
