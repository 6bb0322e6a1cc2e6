//! End-to-end tests of the `patchbay` binary: real processes on a temporary data dir, secrets
//! in the real Secret Service (run under tests/support/with-keyring.sh, as `make test` does).

mod support;

mod contract;
mod crash;
mod keyring_unavailable;
