// A plan step's words in the current language: English comes with the step from Rust, the
// Spanish lives beside the UI catalogs (i18n/steps.es.json), keyed by step id.
import type { Step } from "../bindings";
import stepsEs from "../../../i18n/steps.es.json";
import { i18n } from "./i18n.svelte";

export type StepText = { title: string; instructions: string[] };
const translations: Record<string, Record<string, StepText>> = { es: stepsEs };

export function stepText(s: Step): StepText {
  return translations[i18n.locale]?.[s.id] ?? { title: s.title, instructions: s.instructions };
}
