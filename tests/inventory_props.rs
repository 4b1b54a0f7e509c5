//! Properties of inventory events, ATS and snapshots over random event streams.

mod common;

use atsource::inventory::EventInput;
use atsource::Engine;
use proptest::prelude::*;

const SKUS: [&str; 3] = ["A", "B", "C"];
const LOCS: [&str; 4] = ["S1", "S2", "S3", "W1"];

fn event(n: usize) -> impl Strategy<Value = EventInput> {
    (
        0..9u8,
        0..3usize,
        0..4usize,
        // Now and then around 65,535, where a column of counts widens from 2 bytes to 4.
        prop_oneof![8 => -20i32..40, 1 => 65_500i32..65_560],
        proptest::option::of(0u64..20),
        0..6usize,
    )
        .prop_map(move |(kind, s, l, q, version, dup)| {
            // A few ids repeat on purpose, to exercise de-duplication.
            let id = if dup == 0 {
                format!("dup-{}", q.rem_euclid(3))
            } else {
                format!("e{n}-{kind}-{s}-{l}-{q}")
            };
            let (sku, location) = (SKUS[s].to_string(), LOCS[l].to_string());
            let qty = q.abs();
            match kind {
                0 => EventInput::Set {
                    id,
                    sku,
                    location,
                    on_hand: qty,
                    version,
                },
                1 => EventInput::Adjust {
                    id,
                    sku,
                    location,
                    delta: q,
                },
                2 => EventInput::Reserve {
                    id,
                    sku,
                    location,
                    qty,
                },
                3 => EventInput::Release {
                    id,
                    sku,
                    location,
                    qty,
                },
                4 => EventInput::Pick {
                    id,
                    sku,
                    location,
                    qty,
                },
                5 => EventInput::Ship {
                    id,
                    sku,
                    location,
                    qty,
                },
                6 => EventInput::Return {
                    id,
                    sku,
                    location,
                    qty,
                },
                7 => EventInput::SafetyStock {
                    id,
                    sku,
                    location,
                    // One in five removes the position's own buffer.
                    qty: (qty % 5 != 4).then_some(qty % 4),
                },
                _ => EventInput::Incoming {
                    id,
                    sku,
                    location,
                    qty,
                    date: format!("2026-12-{:02}", 1 + qty % 28),
                },
            }
        })
}

fn stream() -> impl Strategy<Value = Vec<EventInput>> {
    prop::collection::vec(any::<u16>(), 0..60).prop_flat_map(|seeds| {
        seeds
            .into_iter()
            .enumerate()
            .map(|(i, _)| event(i))
            .collect::<Vec<_>>()
    })
}

fn check_invariants(e: &Engine) -> Result<(), TestCaseError> {
    for sku in SKUS {
        let mut total = 0;
        for l in LOCS {
            let ats = e.ats(sku, Some(l)).unwrap();
            prop_assert!(ats >= 0);
            total += ats;
            if let Some(p) = e.position(sku, l).unwrap() {
                prop_assert!(p.reserved >= 0 && p.picking >= 0);
                let expected = (p.on_hand - p.reserved - p.picking - p.safety_stock).max(0);
                prop_assert_eq!(p.ats, expected);
                prop_assert_eq!(p.ats, ats);
            }
        }
        prop_assert_eq!(e.ats(sku, None).unwrap(), total);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_streams_keep_invariants(events in stream()) {
        let mut e = common::engine();
        for chunk in events.chunks(7) {
            let report = common::apply(&mut e, chunk);
            prop_assert!(report.rejected.is_empty(), "{:?}", report.rejected);
            check_invariants(&e)?;
        }
    }

    /// One batch leaves every position as its events applied one at a time would, and reports
    /// the positions whose ATS changed in order of first change. A batch resolves events ahead
    /// of applying them (their positions' slots among them, which a position created in between
    /// shifts): batches of one resolve nothing ahead.
    #[test]
    fn a_batch_equals_its_events_one_at_a_time(events in stream()) {
        let mut batch = common::engine();
        let report = common::apply(&mut batch, &events);
        let mut single = common::engine();
        let (mut applied, mut duplicates, mut stale, mut rejected) = (0, 0, 0, 0);
        let mut touched: Vec<(String, String)> = Vec::new();
        for e in &events {
            let r = common::apply(&mut single, std::slice::from_ref(e));
            applied += r.applied;
            duplicates += r.duplicates;
            stale += r.stale;
            rejected += r.rejected.len();
            let v = serde_json::to_value(e).unwrap();
            let key = (v["sku"].as_str().unwrap().to_string(), v["location"].as_str().unwrap().to_string());
            if r.applied == 1 && v["type"] != "incoming" && !touched.contains(&key) {
                touched.push(key);
            }
        }
        prop_assert_eq!(
            (report.applied, report.duplicates, report.stale, report.rejected.len()),
            (applied, duplicates, stale, rejected)
        );
        for sku in SKUS {
            for l in LOCS {
                prop_assert_eq!(batch.position(sku, l).unwrap(), single.position(sku, l).unwrap());
            }
        }
        // The engine starts with no stock: every position's ATS was 0 before the batch.
        let expected: Vec<(String, String, i64, i64)> = touched
            .into_iter()
            .map(|(s, l)| {
                let after = single.ats(&s, Some(&l)).unwrap();
                (s, l, 0, after)
            })
            .filter(|c| c.3 != c.2)
            .collect();
        let changes: Vec<(String, String, i64, i64)> = report
            .changes
            .into_iter()
            .map(|c| (c.sku, c.location, c.before, c.after))
            .collect();
        prop_assert_eq!(changes, expected);
    }

    #[test]
    fn applying_a_batch_twice_equals_once(events in stream()) {
        let mut e = common::engine();
        let first = common::apply(&mut e, &events);
        let once = e.snapshot();
        let second = common::apply(&mut e, &events);
        prop_assert_eq!(second.applied + second.stale, 0);
        prop_assert_eq!(second.duplicates as usize, events.len());
        prop_assert!(second.changes.is_empty());
        prop_assert_eq!(e.snapshot(), once);
        prop_assert_eq!(first.applied + first.duplicates + first.stale, events.len() as u32);
    }

    #[test]
    fn versioned_counts_converge_in_any_order(
        counts in prop::collection::vec((0i32..100, 1u64..1000), 1..12),
        order in any::<u64>(),
    ) {
        let events: Vec<EventInput> = counts
            .iter()
            .enumerate()
            .map(|(i, &(n, v))| common::set(&format!("c{i}"), "A", "S1", n, Some(v)))
            .collect();
        let mut shuffled = events.clone();
        let mut rng = fastrand::Rng::with_seed(order);
        rng.shuffle(&mut shuffled);
        let (mut a, mut b) = (common::engine(), common::engine());
        common::apply(&mut a, &events);
        for e in &shuffled {
            common::apply(&mut b, std::slice::from_ref(e));
        }
        let pa = a.position("A", "S1").unwrap().unwrap();
        let pb = b.position("A", "S1").unwrap().unwrap();
        // Equal versions are ambiguous; the newest distinct version must win in both orders.
        let max_v = counts.iter().map(|c| c.1).max().unwrap();
        let winners: Vec<i32> = counts.iter().filter(|c| c.1 == max_v).map(|c| c.0).collect();
        if winners.len() == 1 {
            prop_assert_eq!(pa.on_hand, i64::from(winners[0]));
            prop_assert_eq!(pb.on_hand, i64::from(winners[0]));
        }
        prop_assert_eq!(pa.version, Some(max_v));
        prop_assert_eq!(pb.version, Some(max_v));
    }

    #[test]
    fn snapshot_round_trip_is_the_identity(events in stream()) {
        let mut e = common::engine();
        common::apply(&mut e, &events);
        let bytes = e.snapshot();
        let back = Engine::from_snapshot(&bytes).unwrap();
        prop_assert_eq!(back.snapshot(), bytes);
        prop_assert_eq!(back.stats(), e.stats());
        for sku in SKUS {
            for l in LOCS {
                prop_assert_eq!(back.position(sku, l).unwrap(), e.position(sku, l).unwrap());
            }
        }
        // The restored engine remembers applied ids.
        let mut back = back;
        let again = common::apply(&mut back, &events);
        prop_assert_eq!(again.applied, 0);
    }
}
