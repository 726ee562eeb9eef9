//! Helpers shared by the codec integration tests (`codec_roundtrip`, `codec_differential`).
//! Each test binary compiles this module on its own and uses a different subset of it.
#![allow(dead_code)]

pub mod mqtt5;
pub mod strategies;

use proptest::test_runner::{Config, RngSeed};

/// A proptest configuration running `cases` cases from a fixed seed, so that CI runs are
/// reproducible. `PROPTEST_CASES` and `PROPTEST_RNG_SEED` still override both, to explore more
/// inputs locally (`PROPTEST_CASES=20000 PROPTEST_RNG_SEED=$RANDOM cargo test --test ...`).
/// Failures are not persisted to files: proptest prints the shrunk input, which is what goes
/// into a hand-written regression test.
pub fn config(cases: u32) -> Config {
    let base = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            base.cases
        } else {
            cases
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            base.rng_seed
        } else {
            RngSeed::Fixed(0x5eed_c0de_c0de_5eed)
        },
        failure_persistence: None,
        ..base
    }
}
