import { describe, it, expect } from "vitest";
import { render, screen } from "@testing-library/svelte";
import SessionMap from "./SessionMap.svelte";
import type { ScanReport } from "../bindings";

const proc = (kind: string, m365: number, helper = false) => ({
  kind, name: kind, pid: 1, parent_pid: null, user: null, start_time: null, exe: null, helper,
  instance: 1, instances_of_kind: 1, detail: null, connections: { established: m365, microsoft_365: m365 },
});
const report = {
  processes: [proc("classic_outlook", 12), proc("classic_outlook", 12), proc("teams", 7), proc("new_outlook", 3, true)],
  profiles: [{ duplicate_of: ["B"] }, { duplicate_of: ["A"] }],
} as unknown as ScanReport;

describe("SessionMap", () => {
  it("puts each client around the mailbox and counts against the limit", () => {
    render(SessionMap, {
      report,
      estimate: {
        limit: "mapi_sessions_per_user", service: "exchange_on_premises", limit_number: 32, limit_status: "documented", counted: 24,
        summary: "", reason: "", source: { title: "Exchange Server store limits", url: "https://learn.microsoft.com/" },
      },
      cloud: null,
    });
    const map = screen.getByTestId("session-map");
    const nodes = [...map.querySelectorAll("[data-node]")].map((n) => n.getAttribute("data-node"));
    // Helpers are not windows; duplicate profiles get a node of their own.
    expect(nodes).toEqual(["classic_outlook", "teams", "profiles"]);
    expect(map.querySelector('[data-node="classic_outlook"]')?.textContent).toContain("×2");
    expect(map.querySelector('[data-node="classic_outlook"] rect')?.classList.contains("warn")).toBe(true);
    expect(screen.getByTestId("map-count").textContent).toBe("24 of 32");
    expect(screen.getByTestId("map-limit").textContent).toContain("source: Exchange Server store limits");
  });

  it("shows no N of LIMIT where Microsoft publishes no number, only what this PC holds", () => {
    render(SessionMap, {
      report,
      estimate: {
        limit: "mapi_sessions_per_user", service: "exchange_online", limit_number: null, limit_status: "not_published", counted: 24,
        summary: "", reason: "", source: { title: "Exchange Online limits", url: "https://learn.microsoft.com/" },
      },
      cloud: null,
    });
    expect(screen.getByTestId("map-count").textContent).toBe("24 from this PC");
    expect(screen.getByTestId("map-limit").textContent).toContain("publishes no number");
    expect(screen.getByTestId("session-map").querySelector(".hub")?.classList.contains("over")).toBe(false);
  });
});
