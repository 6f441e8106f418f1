// Runs the scan and keeps its state: one row per source (drawn before the first event), the
// report, and a typed error. Screens read it; only `run` changes it.
import { Channel } from "@tauri-apps/api/core";
import { commands, SCAN_SOURCES, type AppError, type Diagnosis, type Progress, type ScanReport } from "../bindings";
import { call } from "./api";

export type RowState = "pending" | "running" | "ok" | "skipped" | "failed";
export type SourceRow = { name: string; state: RowState; ms: number | null; reason: string | null };

function pendingRows(): SourceRow[] {
  return SCAN_SOURCES.map((name) => ({ name, state: "pending" as RowState, ms: null, reason: null }));
}

export class ScanState {
  running = $state(false);
  rows: SourceRow[] = $state(pendingRows());
  fraction = $state(0);
  report: ScanReport | null = $state(null);
  /** The first scan of this mode: the "before" of the before/now comparison. */
  baseline: ScanReport | null = $state(null);
  error: AppError | null = $state(null);
  elapsedMs = $state(0);
  /** The diagnosis of the latest scan (the limit estimate feeds the session map). */
  diagnosis: Diagnosis | null = $state(null);

  /** Applies one progress event from the backend. */
  onProgress = (p: Progress) => {
    const row = this.rows.find((r) => r.name === p.source);
    if (row) row.state = p.state === "started" ? "running" : (p.status ?? "ok");
    if (typeof p.fraction === "number") this.fraction = p.fraction;
  };

  /** Asks the backend again: a sign-in adds the account's devices to the same scan. */
  async refreshDiagnosis() {
    if (!this.report) return;
    const diagnosed = await call(() => commands.getDiagnosis());
    this.diagnosis = diagnosed.ok && diagnosed.data ? diagnosed.data : null;
  }

  /** Bumped by `reset`: a scan that started before it is thrown away and run again. */
  private generation = 0;

  /** Forgets the scans of the previous mode (entering or leaving the demo). */
  reset() {
    this.generation += 1;
    this.report = null;
    this.baseline = null;
    this.diagnosis = null;
    this.error = null;
    this.rows = pendingRows();
    this.fraction = 0;
  }

  async run(): Promise<void> {
    if (this.running) return;
    const generation = this.generation;
    this.running = true;
    this.error = null;
    this.rows = pendingRows();
    this.fraction = 0;
    const started = performance.now();
    const channel = new Channel<Progress>();
    channel.onmessage = this.onProgress;
    const got = await call(() => commands.runScan(channel));
    this.elapsedMs = Math.round(performance.now() - started);
    this.running = false;
    // The mode changed while this scan ran: its answer is of the other PC.
    if (generation !== this.generation) return this.run();
    if (!got.ok) {
      this.error = got.error;
      return;
    }
    this.report = got.data;
    this.baseline ??= got.data;
    this.fraction = 1;
    await this.refreshDiagnosis();
    // The report's sources are the final word (durations, reasons).
    for (const s of got.data.sources) {
      const row = this.rows.find((r) => r.name === s.name);
      if (row) Object.assign(row, { state: s.status, ms: s.ms, reason: s.reason });
      else this.rows.push({ name: s.name, state: s.status, ms: s.ms, reason: s.reason });
    }
  }
}

/** Counts that show whether a repair worked, for the before/now view. */
export type Measures = { outlook: number; profiles: number; duplicates: number; addins: number; m365: number };

export function measure(r: ScanReport): Measures {
  const off = (lb: number | null) => lb === 0 || lb === 2;
  return {
    outlook: r.processes.filter((p) => !p.helper && (p.kind === "classic_outlook" || p.kind === "new_outlook")).length,
    profiles: r.profiles.length,
    duplicates: r.profiles.filter((p) => p.duplicate_of.length > 0).length,
    addins: r.addins.filter((a) => a.opens_connections && !off(a.load_behavior)).length,
    m365: r.processes.reduce((n, p) => n + (p.connections?.microsoft_365 ?? 0), 0),
  };
}

/** One measure that differs between two scans. */
export type Change = { key: keyof Measures; before: number; now: number };

const measureKeys: (keyof Measures)[] = ["outlook", "profiles", "duplicates", "addins", "m365"];

/** What changed from the first scan of this mode to the latest (empty before a second scan). */
export function changes(baseline: ScanReport | null, report: ScanReport | null): Change[] {
  if (!baseline || !report || baseline === report) return [];
  const before = measure(baseline);
  const now = measure(report);
  return measureKeys.filter((k) => before[k] !== now[k]).map((k) => ({ key: k, before: before[k], now: now[k] }));
}

export const scanState = new ScanState();
