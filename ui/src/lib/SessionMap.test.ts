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
      estimate: { limit: "mapi_sessions_per_user", limit_number: 32, counted: 24, reason: "" },
      cloud: null,
    });
    const map = screen.getByTestId("session-map");
    const nodes = [...map.querySelectorAll("[data-node]")].map((n) => n.getAttribute("data-node"));
    // Helpers are not windows; duplicate profiles get a node of their own.
    expect(nodes).toEqual(["classic_outlook", "teams", "profiles"]);
    expect(map.querySelector('[data-node="classic_outlook"]')?.textContent).toContain("×2");
    expect(map.querySelector('[data-node="classic_outlook"] rect')?.classList.contains("warn")).toBe(true);
    expect(screen.getByTestId("map-count").textContent).toBe("24 of 32");
  });
});
