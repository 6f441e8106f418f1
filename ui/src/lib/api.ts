// The one door from the UI to the backend: every command result becomes either data or an
// AppError `{code, message, hint}`. Components branch on `code`, never on text.
import { commands, type AppError } from "../bindings";
import { t } from "./i18n.svelte";

export type Outcome<T> = { ok: true; data: T } | { ok: false; error: AppError };

type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

/** Runs a generated command and folds every failure (including IPC ones) into an AppError. */
export async function call<T>(run: () => Promise<CommandResult<T> | T>): Promise<Outcome<T>> {
  try {
    const result = await run();
    if (isCommandResult<T>(result)) {
      return result.status === "ok" ? { ok: true, data: result.data } : { ok: false, error: result.error };
    }
    return { ok: true, data: result };
  } catch (e) {
    return { ok: false, error: toAppError(e) };
  }
}

function isCommandResult<T>(value: unknown): value is CommandResult<T> {
  return (
    typeof value === "object" &&
    value !== null &&
    "status" in value &&
    ((value as { status: unknown }).status === "ok" || (value as { status: unknown }).status === "error")
  );
}

/** Anything thrown (an AppError object from Rust, an Error from the IPC layer) as an AppError. */
export function toAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    const err = e as Partial<AppError>;
    return {
      code: err.code ?? "internal",
      message: String(err.message),
      hint: err.hint ?? t("error.try_again.hint"),
    } as AppError;
  }
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: "internal",
    message: t("error.backend_unreachable", { message }),
    hint: t("error.backend_unreachable.hint"),
  };
}

/**
 * Opens a Microsoft page in the system browser through the backend, which checks it
 * (https, Microsoft's domains, no user name); the page itself has no opener right.
 * Returns the error to show, or null when the browser opened.
 */
export async function openPage(url: string): Promise<AppError | null> {
  const got = await call(() => commands.openPage(url));
  return got.ok ? null : got.error;
}
