//! The single integration test binary of positive-action: each module of the
//! crate is tested through its public API in a submodule here.

mod stats;
