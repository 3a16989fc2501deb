// The signed-in token, kept for this browser tab only, and what its role may see.
// The gateway checks the token on every request; what is read here only shapes the pages.

const KEY = "smartcity.console.token";

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

export function claims(value = token()) {
  if (!value) return null;
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(atob(parts[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload && typeof payload === "object" && typeof payload.role === "string" ? payload : null;
  } catch {
    return null;
  }
}

export function expired(found = claims()) {
  return Boolean(found?.exp && found.exp * 1000 <= Date.now());
}

// What each role may do, as the services enforce it.
const ABILITIES = {
  "read rules": ["admin", "ministry"],
  "change rules": ["admin"],
  "read season": ["admin", "ministry"],
  "run season": ["admin"],
  "work on region": ["region_operator"],
  assess: ["assessor"],
  "issue tokens": ["enumerator"],
};

export function can(ability, found = claims()) {
  // scorecards: the services decide which, all for admins and ministries, closed cycles for others
  if (ability === "read scorecards") return Boolean(found?.role);
  return (ABILITIES[ability] ?? []).includes(found?.role);
}

// Where each role starts: the work it comes to the console for.
const HOMES = {
  admin: "/season",
  ministry: "/season",
  region_operator: "/workspace",
  assessor: "/assess",
  enumerator: "/desk",
};

export function home(found = claims()) {
  return HOMES[found?.role] ?? "/scorecards";
}
