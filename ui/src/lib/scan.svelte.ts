// Runs the scan and keeps its state: one row per source (drawn before the first event), the
// session the backend returns (scan, diagnosis, journal, before/now), and a typed error.
// Screens read it; only `run`, `change` and `step` change it.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  SCAN_SOURCES,
  type Acted,
  type AppError,
  type Diagnosis,
  type EntryView,
  type MeasureChange,
  type Progress,
  type ScanReport,
  type SessionView,
} from "../bindings";
import { call, type Outcome } from "./api";

export type RowState = "pending" | "running" | "ok" | "skipped" | "failed";
export type SourceRow = { name: string; state: RowState; ms: number | null; reason: string | null };

function pendingRows(): SourceRow[] {
  return SCAN_SOURCES.map((name) => ({ name, state: "pending" as RowState, ms: null, reason: null }));
}

/** A change the user confirmed: the backend makes it, scans again and returns the session. */
type ChangeCommand = (onProgress: Channel<Progress>) => Promise<{ status: "ok"; data: Acted } | { status: "error"; error: AppError }>;
/** A step that changes the PC and returns its own result with the session (the add-in check). */
type StepCommand<T> = (onProgress: Channel<Progress>) => Promise<{ status: "ok"; data: T } | { status: "error"; error: AppError }>;

export class ScanState {
  running = $state(false);
  rows: SourceRow[] = $state(pendingRows());
  fraction = $state(0);
  report: ScanReport | null = $state(null);
  error: AppError | null = $state(null);
  elapsedMs = $state(0);
  /** The diagnosis of the latest scan (the limit estimate feeds the session map). */
  diagnosis: Diagnosis | null = $state(null);
  /** The changes made in this mode, newest first (the backend's journal). */
  journal: EntryView[] = $state([]);
  /** What changed since the first scan of this mode, as the backend measured it. */
  changes: MeasureChange[] = $state([]);

  /** Applies one progress event from the backend. */
  onProgress = (p: Progress) => {
    const row = this.rows.find((r) => r.name === p.source);
    if (row) row.state = p.state === "started" ? "running" : (p.status ?? "ok");
    if (typeof p.fraction === "number") this.fraction = p.fraction;
  };

  /** Renders the backend's session: nothing here is computed again. */
  private apply(view: SessionView) {
    this.report = view.scan;
    this.diagnosis = view.diagnosis;
    this.journal = view.journal;
    this.changes = view.changes;
    if (!view.scan) return;
    // The report's sources are the final word (durations, reasons).
    for (const s of view.scan.sources) {
      const row = this.rows.find((r) => r.name === s.name);
      if (row) Object.assign(row, { state: s.status, ms: s.ms, reason: s.reason });
      else this.rows.push({ name: s.name, state: s.status, ms: s.ms, reason: s.reason });
    }
  }

  /** Asks the backend for the session again, without scanning: a sign-in adds the
   * account's devices to the same scan, a new language words it again. */
  async refreshDiagnosis() {
    const got = await call(() => commands.getSession());
    if (got.ok && got.data) this.apply(got.data);
  }

  /** Bumped by `reset`: a scan that started before it is thrown away and run again. */
  private generation = 0;

  /** Forgets the scans of the previous mode (entering or leaving the demo). */
  reset() {
    this.generation += 1;
    this.report = null;
    this.diagnosis = null;
    this.journal = [];
    this.changes = [];
    this.error = null;
    this.rows = pendingRows();
    this.fraction = 0;
  }

  /** Starts a scan's rows and timer; returns what `finish` needs. */
  private begin() {
    this.running = true;
    this.error = null;
    this.rows = pendingRows();
    this.fraction = 0;
    const channel = new Channel<Progress>();
    channel.onmessage = this.onProgress;
    return { channel, started: performance.now(), generation: this.generation };
  }

  private end(started: number) {
    this.elapsedMs = Math.round(performance.now() - started);
    this.running = false;
  }

  async run(): Promise<void> {
    if (this.running) return;
    const { channel, started, generation } = this.begin();
    const got = await call(() => commands.runScan(channel));
    this.end(started);
    // The mode changed while this scan ran: its answer is of the other PC.
    if (generation !== this.generation) return this.run();
    if (!got.ok) {
      this.error = got.error;
      return;
    }
    this.fraction = 1;
    this.apply(got.data);
  }

  /**
   * Makes a confirmed change through the backend, which scans again: one call, the session
   * back. Returns what the change did (its journal entry, or why it failed).
   */
  async change(command: ChangeCommand): Promise<{ done: EntryView | null; failed: AppError | null }> {
    const { channel, started } = this.begin();
    const got = await call(() => command(channel));
    this.end(started);
    if (!got.ok) {
      this.error = got.error;
      return { done: null, failed: got.error };
    }
    this.fraction = 1;
    this.apply(got.data.session);
    return { done: got.data.done, failed: got.data.failed };
  }

  /**
   * A step of the add-in check through the backend, which scans again: the session is
   * applied here, the step's own result returned (an error stays the caller's to show).
   */
  async step<T extends { session: SessionView }>(command: StepCommand<T>): Promise<Outcome<T>> {
    const { channel, started } = this.begin();
    const got = await call(() => command(channel));
    this.end(started);
    if (got.ok) {
      this.fraction = 1;
      this.apply(got.data.session);
    }
    return got;
  }
}

export const scanState = new ScanState();
