//! Shared helpers of the sourcing tests.
#![allow(dead_code)]

pub mod brute;
pub mod network;
pub mod random;
