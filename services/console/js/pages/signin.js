// Sign-in: a token minted for the caller (`smartcity token --role admin`), checked by the gateway.

import { graphql } from "../api.js";
import { field, h, show } from "../dom.js";
import { t } from "../i18n.js";
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
    h("h1", {}, t("signIn.title")),
    h("p", {}, t("signIn.paste"), " ", h("span", { className: "muted" }, t("signIn.development"))),
    field(t("signIn.token"), input),
    error,
    h("button", { type: "submit" }, t("signIn.submit")),
  );
  show(page, form);
  input.focus();
}

async function submit(event, input, error) {
  event.preventDefault();
  const value = input.value.trim();
  const claims = session.claims(value);
  if (!claims) return show(error, t("signIn.notAToken"));
  if (session.expired(claims)) return show(error, t("signIn.expired"));
  session.signIn(value);
  try {
    await graphql(WHO_AM_I); // the gateway refuses a token it cannot verify
  } catch (refused) {
    session.signOut();
    return show(error, refused.code === "UNAUTHENTICATED" ? t("signIn.refused") : refused.message);
  }
  go(session.home(claims), [
    t("signIn.done", { who: claims.sub ?? claims.role, role: t(`role.${claims.role}`) }),
    "ok",
  ]);
}
