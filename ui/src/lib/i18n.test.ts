import { describe, it, expect } from "vitest";
import { catalogs, i18n, t } from "./i18n.svelte";

describe("i18n", () => {
  it("has the same keys in every language", () => {
    const en = Object.keys(catalogs.en).sort();
    expect(Object.keys(catalogs.es).sort()).toEqual(en);
  });
  it("has no empty message", () => {
    for (const catalog of Object.values(catalogs)) {
      for (const [key, text] of Object.entries(catalog)) expect(text.trim(), key).not.toBe("");
    }
  });
  it("switches language and fills placeholders", () => {
    i18n.set("es");
    expect(t("welcome.start")).toBe("Empezar");
    i18n.set("en");
    expect(t("welcome.start")).toBe("Start");
  });
});

import stepsEs from "../../../i18n/steps.es.json";
import { pageLabel } from "./steps";

describe("Spanish step texts", () => {
  it("give every step a title and instructions", () => {
    const entries = Object.entries(stepsEs as Record<string, { title: string; instructions: string[] }>);
    expect(entries.length).toBeGreaterThanOrEqual(21);
    for (const [id, s] of entries) {
      expect(s.title.trim(), id).not.toBe("");
      expect(s.instructions.length, id).toBeGreaterThan(0);
    }
  });
});

describe("the pages a step opens", () => {
  it("are named in the current language, an unknown one as given", () => {
    const owa = { label: "Outlook on the web", url: "https://outlook.office.com/" };
    i18n.set("es");
    expect(pageLabel(owa)).toBe("Outlook en la web");
    expect(pageLabel({ label: "Something new", url: "https://example.com/" })).toBe("Something new");
    i18n.set("en");
    expect(pageLabel(owa)).toBe("Outlook on the web");
  });
});
