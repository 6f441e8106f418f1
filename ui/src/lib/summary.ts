// The scan's one sentence: how many different things on this PC hold sessions (the backend
// counts them: `WizardPlan.found_here`). Shown on the welcome screen as soon as the
// background scan is done, and as the heading of the guided fix's scan screen.
import { t } from "./i18n.svelte";

export function summarySentence(found: number): string {
  if (found === 0) return t("wizard.summary.none");
  return found === 1 ? t("wizard.summary.one") : t("wizard.summary.many", { n: found });
}
