// A form's submit handler: the work runs once at a time (its buttons disabled meanwhile), and
// what it refuses is shown in the form, naming the field at fault.

import { show } from "./dom.js";
import { t } from "./i18n.js";

export function submitting(form, status, work) {
  return async (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll("button")];
    if (buttons.some((b) => b.disabled)) return;
    for (const button of buttons) button.disabled = true;
    status.className = "muted";
    show(status, t("form.sending"));
    try {
      const done = await work(event);
      status.className = "ok";
      show(status, done ?? "");
    } catch (error) {
      status.className = "error";
      status.setAttribute("role", "alert");
      show(status, refusal(error));
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  };
}

// A refusal as a person reads it: the message, and the field it names.
export function refusal(error) {
  const where = error.field ? ` (${error.field})` : "";
  return `${error.message}${where}`;
}
