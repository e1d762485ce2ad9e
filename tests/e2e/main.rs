//! End-to-end tests: the real `terraform` CLI, the provider binary and the
//! simulator on 127.0.0.1. One test binary, one module per resource or data
//! source; configurations live in testdata/.

mod harness;

mod account;
mod tenant;
