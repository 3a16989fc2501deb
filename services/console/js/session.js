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
export function can(ability, found = claims()) {
  const role = found?.role;
  switch (ability) {
    case "read rules":
      return role === "admin" || role === "ministry";
    case "change rules":
      return role === "admin";
    case "read scorecards":
      return true; // the services decide which: all for admins and ministries, closed cycles for others
    default:
      return false;
  }
}
