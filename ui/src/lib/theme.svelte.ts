// Light, dark, or whatever the system says. The choice is an attribute on <html> that
// app.css reads, kept in local storage so the next start looks the same.
export type Theme = "system" | "light" | "dark";
const STORAGE_KEY = "session-doctor.theme";

function saved(): Theme {
  const v = globalThis.localStorage?.getItem(STORAGE_KEY);
  return v === "light" || v === "dark" ? v : "system";
}

function apply(theme: Theme) {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}

class ThemeState {
  current: Theme = $state(saved());

  constructor() {
    apply(this.current);
  }

  set(theme: Theme) {
    this.current = theme;
    apply(theme);
    if (theme === "system") globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, theme);
  }
}

export const theme = new ThemeState();
