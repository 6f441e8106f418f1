//! Microsoft sign-in, token storage in the OS keyring, and the Graph client.
