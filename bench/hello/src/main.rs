//! Hello world in Tauri: one window, one static page, no commands.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| panic!("error while running the hello-world app: {e}"));
}
