import { describe, it, expect } from "vitest";
import { measure } from "./scan.svelte";
import type { ScanReport } from "../bindings";

const proc = (kind: string, helper = false, m365 = 2) => ({
  kind, name: kind, pid: 1, parent_pid: null, user: null, start_time: null, exe: null, helper,
  instance: 1, instances_of_kind: 1, detail: null, connections: { established: m365, microsoft_365: m365 },
});

describe("measure", () => {
  it("counts what a repair should lower", () => {
    const report = {
      processes: [proc("classic_outlook"), proc("classic_outlook"), proc("new_outlook", true), proc("teams")],
      profiles: [{ duplicate_of: ["B"] }, { duplicate_of: ["A"] }, { duplicate_of: [] }],
      addins: [
        { opens_connections: true, load_behavior: 3 },
        { opens_connections: true, load_behavior: 0 },
        { opens_connections: false, load_behavior: 3 },
      ],
    } as unknown as ScanReport;
    expect(measure(report)).toEqual({ outlook: 2, profiles: 3, duplicates: 2, addins: 1, m365: 8 });
  });
});
