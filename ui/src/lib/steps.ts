// A plan step's words in the current language: English comes with the step from Rust, the
// Spanish lives beside the UI catalogs (i18n/steps.es.json), keyed by step id.
import type { Page, Step } from "../bindings";
import stepsEs from "../../../i18n/steps.es.json";
import { i18n, t, type MessageKey } from "./i18n.svelte";

export type StepText = { title: string; instructions: string[] };
const translations: Record<string, Record<string, StepText>> = { es: stepsEs };

export function stepText(s: Step): StepText {
  return translations[i18n.locale]?.[s.id] ?? { title: s.title, instructions: s.instructions };
}

// The pages a step opens, by the English label the plan gives them (domain::plan).
const pageKeys: Record<string, MessageKey> = {
  "My sign-ins": "plan.page.my_sign_ins",
  "Microsoft 365 security": "plan.page.work_security",
  "Outlook on the web": "plan.page.owa",
  "Service health (Microsoft 365 admin center)": "plan.page.service_health",
  "Sign out of Outlook on the web": "plan.page.owa_logoff",
  "Microsoft account security": "plan.page.personal_security",
  "Advanced security options": "plan.page.personal_advanced",
  "Recent activity": "plan.page.personal_activity",
  Devices: "plan.page.personal_devices",
  "Change password": "plan.page.personal_password",
  "Outlook.com": "plan.page.outlook_com",
};

/** A step's page name in the current language (a page the catalogs lack keeps its label). */
export function pageLabel(page: Page): string {
  const key = pageKeys[page.label];
  return key ? t(key) : page.label;
}
