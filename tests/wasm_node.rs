//! The exported API in Node (wasm-bindgen-test's default runner).
#![cfg(target_arch = "wasm32")]

mod wasm_common;

wasm_tests!(
    events_ats_and_reports,
    errors_are_coded_and_leave_the_engine_intact,
    snapshots_round_trip,
    sourcing_through_the_binding,
    delivery_options_through_the_binding,
    profiles_carry_delivery_and_explanations_are_priced,
    quote_is_the_plan_and_the_delivery_options,
    non_ascii_text_crosses_intact,
    non_finite_numbers_are_refused,
    plan_events_through_the_binding,
    arguments_of_the_wrong_type_are_coded_errors,
    distance_km_is_the_engines,
    a_broken_string_fails_its_event_alone,
    an_event_json_cannot_hold_fails_alone
);
