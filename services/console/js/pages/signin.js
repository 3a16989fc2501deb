// Sign-in: a token minted for the caller (`smartcity token --role admin`), checked by the gateway.

import { graphql } from "../api.js";
import { field, h, show } from "../dom.js";
import { go } from "../navigation.js";
import { WHO_AM_I } from "../queries.js";
import * as session from "../session.js";

export async function signInPage(page) {
  const input = h("textarea", {
    name: "token",
    rows: 4,
    required: true,
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "eyJhbGciOi…",
  });
  const error = h("p", { className: "error", role: "alert" });
  const form = h(
    "form",
    { className: "card narrow", onSubmit: (event) => submit(event, input, error) },
    h("h1", {}, "Sign in"),
    h(
      "p",
      {},
      "Paste the bearer token issued to you. ",
      h("span", { className: "muted" }, "On a development stack, `smartcity token --role admin` mints one."),
    ),
    field("Token", input),
    error,
    h("button", { type: "submit" }, "Sign in"),
  );
  show(page, form);
  input.focus();
}

async function submit(event, input, error) {
  event.preventDefault();
  const value = input.value.trim();
  const claims = session.claims(value);
  if (!claims) return show(error, "This is not a token: a token has three parts separated by dots.");
  if (session.expired(claims)) return show(error, "This token has expired.");
  session.signIn(value);
  try {
    await graphql(WHO_AM_I); // the gateway refuses a token it cannot verify
  } catch (refused) {
    session.signOut();
    return show(
      error,
      refused.code === "UNAUTHENTICATED" ? "The gateway does not accept this token." : refused.message,
    );
  }
  go(session.can("read rules") ? "/rules" : "/scorecards", [
    `Signed in as ${claims.sub ?? claims.role} (${claims.role.replace("_", " ")}).`,
    "ok",
  ]);
}
