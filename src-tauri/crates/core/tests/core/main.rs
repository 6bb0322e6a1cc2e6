//! Integration tests of the core, linked as one binary. Stores are real SQLite files in a
//! temporary directory; secrets go to the in-memory store unless a test is about the keyring,
//! which then uses the real Secret Service (run under tests/support/with-keyring.sh).

mod support;

mod keyring;
mod migrations;
mod servers;
mod settings;
mod workspaces;
