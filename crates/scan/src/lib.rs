//! What is on this computer, read-only: Outlook processes, profiles, add-ins, other mail clients.
