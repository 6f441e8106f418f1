//! How the window is painted on Linux.
//!
//! WebKitGTK composites the page with OpenGL by default. Without a GPU (virtual machines,
//! remote desktops, Xvfb) that is Mesa's software OpenGL, and every composited layer of a
//! long page keeps its own tiles: measured by `make bench`, the web process on the Fix tab
//! held about 100 MiB more than with plain software painting, for no visible gain on a page
//! of forms and lists. Plain painting also sidesteps the blank windows some GPU drivers
//! give WebKitGTK. `SESSION_DOCTOR_GPU=1` keeps compositing on.
//!
//! WebKitGTK reads `WEBKIT_DISABLE_COMPOSITING_MODE` once, when it starts; switching the
//! policy later through the settings API leaves WebDriver screenshots hanging, so the
//! variable is set before anything else runs.

/// Environment variable that keeps WebKitGTK's GPU compositing.
#[cfg(target_os = "linux")]
const ENV_GPU: &str = "SESSION_DOCTOR_GPU";
#[cfg(target_os = "linux")]
const ENV_WEBKIT: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Must be the first thing `run` does: no other thread may exist yet.
#[cfg(target_os = "linux")]
pub fn prefer_software_painting() {
    let keep_gpu = std::env::var_os(ENV_GPU).is_some_and(|v| v == "1");
    if keep_gpu || std::env::var_os(ENV_WEBKIT).is_some() {
        return; // the user's own choice wins
    }
    // SAFETY: called at the top of `run()`, straight from `main`, before Tauri, the log
    // plugin, the demo's sandbox or any other code could start a thread that reads the
    // environment; setting a variable is only unsound while another thread reads it.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var(ENV_WEBKIT, "1");
    }
}

/// Other systems paint through their own compositor; nothing to change.
#[cfg(not(target_os = "linux"))]
pub fn prefer_software_painting() {}
