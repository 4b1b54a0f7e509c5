//! The exported API in headless Chromium (through chromedriver).
#![cfg(target_arch = "wasm32")]

mod wasm_common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn events_ats_and_reports() {
    wasm_common::events_ats_and_reports();
}

#[wasm_bindgen_test]
fn errors_are_coded_and_leave_the_engine_intact() {
    wasm_common::errors_are_coded_and_leave_the_engine_intact();
}

#[wasm_bindgen_test]
fn snapshots_round_trip() {
    wasm_common::snapshots_round_trip();
}

#[wasm_bindgen_test]
fn sourcing_through_the_binding() {
    wasm_common::sourcing_through_the_binding();
}

#[wasm_bindgen_test]
fn delivery_options_through_the_binding() {
    wasm_common::delivery_options_through_the_binding();
}
