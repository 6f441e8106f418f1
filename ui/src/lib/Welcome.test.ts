// The welcome screen against a stubbed backend: what the user sees for each answer.
import { describe, it, expect, vi, beforeEach } from "vitest";
import { render, screen, fireEvent, waitFor } from "@testing-library/svelte";

const commands = vi.hoisted(() => ({
  getMode: vi.fn(),
  enterDemo: vi.fn(),
  leaveDemo: vi.fn(),
  startCheck: vi.fn(),
}));
vi.mock("../bindings", () => ({ commands }));

import Welcome from "./Welcome.svelte";

const report = {
  app_version: "0.1.0",
  os: "Linux 12 (Debian)",
  hostname: "desk-42",
  mode: { kind: "live" },
  tenant: null,
  summary: "Ready to check desk-42 (Linux 12 (Debian)).",
};

beforeEach(() => {
  vi.resetAllMocks();
  commands.getMode.mockResolvedValue({ kind: "live" });
});

describe("Welcome", () => {
  it("names the problem and offers Start and the demo", async () => {
    render(Welcome);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(
      /exceeded the maximum number of allowed sessions/,
    );
    expect(screen.getByTestId("start").textContent?.trim()).toBe("Start");
    expect(screen.getByTestId("demo-toggle").textContent?.trim()).toBe("Try the demo");
  });

  it("shows the backend's answer after Start", async () => {
    commands.startCheck.mockResolvedValue({ status: "ok", data: report });
    render(Welcome);
    await fireEvent.click(screen.getByTestId("start"));
    await waitFor(() => expect(screen.getByTestId("summary").textContent).toBe(report.summary));
    expect(screen.getByText("desk-42")).toBeTruthy();
    expect(commands.startCheck).toHaveBeenCalledTimes(1);
  });

  it("shows message and hint of a typed error, tagged with its code", async () => {
    commands.startCheck.mockResolvedValue({
      status: "error",
      error: { code: "sandbox_unavailable", message: "The tenant did not answer", hint: "Start the demo again." },
    });
    render(Welcome);
    await fireEvent.click(screen.getByTestId("start"));
    const card = await screen.findByTestId("error");
    expect(card.dataset.code).toBe("sandbox_unavailable");
    expect(card.textContent).toContain("The tenant did not answer");
    expect(card.textContent).toContain("Start the demo again.");
  });

  it("turns an IPC failure into a readable internal error", async () => {
    commands.startCheck.mockRejectedValue(new Error("command start_check not allowed"));
    render(Welcome);
    await fireEvent.click(screen.getByTestId("start"));
    const card = await screen.findByTestId("error");
    expect(card.dataset.code).toBe("internal");
    expect(card.textContent).toContain("not allowed");
  });

  it("enters and leaves the demo, showing a badge while in it", async () => {
    commands.enterDemo.mockResolvedValue({ status: "ok", data: { kind: "demo", tenant_url: "http://127.0.0.1:1" } });
    commands.leaveDemo.mockResolvedValue({ kind: "live" });
    render(Welcome);
    await fireEvent.click(screen.getByTestId("demo-toggle"));
    await screen.findByTestId("demo-badge");
    expect(screen.getByTestId("demo-toggle").textContent?.trim()).toBe("Leave the demo");
    await fireEvent.click(screen.getByTestId("demo-toggle"));
    await waitFor(() => expect(screen.queryByTestId("demo-badge")).toBeNull());
  });

  it("switches to Spanish and back from the language menu", async () => {
    render(Welcome);
    const select = screen.getByTestId("language") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "es" } });
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/número máximo de sesiones permitidas/);
    expect(screen.getByTestId("start").textContent?.trim()).toBe("Empezar");
    await fireEvent.change(select, { target: { value: "en" } });
    expect(screen.getByTestId("start").textContent?.trim()).toBe("Start");
  });

  it("disables Start while a check runs", async () => {
    let finish: (v: unknown) => void = () => {};
    commands.startCheck.mockReturnValue(new Promise((r) => (finish = r)));
    render(Welcome);
    await fireEvent.click(screen.getByTestId("start"));
    expect((screen.getByTestId("start") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("progress")).toBeTruthy();
    finish({ status: "ok", data: report });
    await waitFor(() => expect((screen.getByTestId("start") as HTMLButtonElement).disabled).toBe(false));
  });
});
