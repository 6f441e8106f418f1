//! How the window is painted on Linux.
//!
//! WebKitGTK composites the page with OpenGL by default. Without a GPU (virtual machines,
//! remote desktops, Xvfb) that is Mesa's software OpenGL, and every composited layer of a
//! long page keeps its own tiles: measured by `make bench`, the web process of the Fix tab
//! held about 90 MiB more than with plain software painting, for no visible gain on a page
//! of forms and lists. Plain painting also sidesteps the blank windows some GPU drivers
//! give WebKitGTK. `SESSION_DOCTOR_GPU=1` turns compositing back on.

/// Environment variable that keeps WebKitGTK's GPU compositing.
pub const ENV_GPU: &str = "SESSION_DOCTOR_GPU";

#[cfg(target_os = "linux")]
pub fn prefer_software_painting<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    if std::env::var_os(ENV_GPU).is_some_and(|v| v == "1") {
        return;
    }
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = applied {
        log::warn!("could not switch the window to software painting: {e}");
    }
}

/// Other systems paint through their own compositor; nothing to change.
#[cfg(not(target_os = "linux"))]
pub fn prefer_software_painting<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) {}
